import type { Settings } from '@ecm/core/domain';
import { renderCrontab, type CrontabOptions } from './render-crontab.js';
import { renderK8sCronJobs, type K8sOptions } from './render-k8s.js';

/**
 * What `ecm-manager schedule --k8s` and `--crontab` print. The committed deploy/k8s/cronjobs.yaml is
 * `ecm-manager schedule --k8s > deploy/k8s/cronjobs.yaml` with these defaults; a test keeps them equal.
 */
export const DEPLOY_K8S: K8sOptions = {
  image: 'registry.example.com/ecm-operations/ecm-manager:0.1.0',
  namespace: 'ecm',
  secretName: 'ecm-env',
};

export const DEPLOY_CRONTAB: CrontabOptions = {
  command: '/usr/local/bin/ecm-manager',
  envFile: '/etc/ecm/ecm.env',
};

/** Repository-relative path of the generated Kubernetes manifest. */
export const K8S_MANIFEST_PATH = 'deploy/k8s/cronjobs.yaml';

export type ScheduleFormat = 'k8s' | 'crontab';

export function renderSchedule(
  settings: Pick<Settings, 'schedule'>,
  format: ScheduleFormat,
  overrides: { k8s?: Partial<K8sOptions>; crontab?: Partial<CrontabOptions> } = {},
): string {
  if (format === 'k8s') return renderK8sCronJobs(settings.schedule, { ...DEPLOY_K8S, ...overrides.k8s });
  return renderCrontab(settings.schedule, { ...DEPLOY_CRONTAB, ...overrides.crontab });
}
