// The pieces of ecm-field other packages may reuse (the CLI itself is src/cli.ts).
export * from './content/escalation-matrix.js';
export * from './content/runbook-sections.js';
export * from './exit-codes.js';
export type * from './tickets/my-queue.js';
export * from './tickets/sla-clock.js';
