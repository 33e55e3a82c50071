export * from './cron-expression.js';
export * from './next-runs.js';
export * from './render-crontab.js';
export * from './render-k8s.js';
export * from './utc-equivalent.js';
export * from './write-manifests.js';
export * from './zone-time.js';
