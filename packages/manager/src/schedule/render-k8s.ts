import yaml from 'js-yaml';
import { parseCron } from './cron-expression.js';
import type { ScheduledJob } from './next-runs.js';

export interface K8sOptions {
  /** The image built from deploy/Dockerfile (its entrypoint is ecm-manager). */
  readonly image: string;
  readonly namespace: string;
  /** The Secret holding the environment (deploy/k8s/secret.example.yaml). */
  readonly secretName: string;
  /** A run that cannot start within this long after its slot is skipped, not run late. */
  readonly startingDeadlineSeconds?: number;
  /** A run still going after this long is stopped. */
  readonly activeDeadlineSeconds?: number;
  /** Pod retries after a failure. 0: a failed phase has already posted its error alert. */
  readonly backoffLimit?: number;
  /** A finished Job (and its pod, with its logs) is deleted after this long. */
  readonly ttlSecondsAfterFinished?: number;
}

export const K8S_DEFAULTS = {
  startingDeadlineSeconds: 1800,
  activeDeadlineSeconds: 1800,
  backoffLimit: 0,
  ttlSecondsAfterFinished: 86_400,
} as const;

/** The image's `node` user and group (deploy/Dockerfile): numeric, so the kubelet can verify runAsNonRoot. */
export const IMAGE_UID = 1000;
/** ECM_HOME in the image; an emptyDir here and at /tmp lets the root filesystem be read-only. */
export const IMAGE_ECM_HOME = '/var/lib/ecm';

/**
 * The pod-level security context of every ECM pod: the Kubernetes "restricted" Pod Security Standard
 * (non-root numeric user, RuntimeDefault seccomp), with fsGroup so the emptyDirs are writable.
 */
export const POD_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: IMAGE_UID,
  runAsGroup: IMAGE_UID,
  fsGroup: IMAGE_UID,
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/** The container-level half of "restricted", plus a read-only root filesystem. */
export const CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
} as const;

/** The writable places a read-only ECM container needs: /tmp and ECM_HOME (outbox, lock file, embedded stores). */
export const WRITABLE_VOLUMES = {
  volumes: [
    { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    { name: 'ecm-home', emptyDir: { sizeLimit: '2Gi' } },
  ],
  volumeMounts: [
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'ecm-home', mountPath: IMAGE_ECM_HOME },
  ],
} as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kubernetes appends an 11-character suffix to a CronJob's name for its Jobs; 63 in all. */
const MAX_CRONJOB_NAME = 52;

export function cronJobName(job: Pick<ScheduledJob, 'name'>): string {
  return `ecm-${job.name}`;
}

/** One batch/v1 CronJob for one scheduled job. */
export function cronJobFor(job: ScheduledJob, options: K8sOptions): Record<string, unknown> {
  parseCron(job.cron);
  const name = cronJobName(job);
  if (name.length > MAX_CRONJOB_NAME || !DNS_LABEL.test(name))
    throw new Error(`schedule job "${job.name}" gives CronJob name "${name}", not a DNS label of at most ${MAX_CRONJOB_NAME} characters`);
  const labels = {
    'app.kubernetes.io/name': 'ecm-manager',
    'app.kubernetes.io/part-of': 'ecm-operations',
    'app.kubernetes.io/component': job.name,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: options.namespace, labels },
    spec: {
      schedule: job.cron.trim().split(/\s+/).join(' '),
      timeZone: job.time_zone,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: options.startingDeadlineSeconds ?? K8S_DEFAULTS.startingDeadlineSeconds,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: options.backoffLimit ?? K8S_DEFAULTS.backoffLimit,
          activeDeadlineSeconds: options.activeDeadlineSeconds ?? K8S_DEFAULTS.activeDeadlineSeconds,
          ttlSecondsAfterFinished: options.ttlSecondsAfterFinished ?? K8S_DEFAULTS.ttlSecondsAfterFinished,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              // The manager never calls the Kubernetes API.
              automountServiceAccountToken: false,
              securityContext: POD_SECURITY_CONTEXT,
              containers: [
                {
                  name: 'ecm-manager',
                  image: options.image,
                  args: [job.command],
                  envFrom: [{ secretRef: { name: options.secretName } }],
                  resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
                  securityContext: CONTAINER_SECURITY_CONTEXT,
                  volumeMounts: WRITABLE_VOLUMES.volumeMounts,
                },
              ],
              volumes: WRITABLE_VOLUMES.volumes,
            },
          },
        },
      },
    },
  };
}

/** Every scheduled job as a CronJob, one YAML document each. */
export function renderK8sCronJobs(schedule: readonly ScheduledJob[], options: K8sOptions): string {
  const header = [
    '# ECM CronJobs, generated from shared/config/ecm.yaml (schedule:) by `ecm-manager schedule --k8s`.',
    '# Edit the YAML and regenerate rather than editing this file; a test fails when they differ.',
    '',
  ].join('\n');
  const documents = schedule.map((job) => yaml.dump(cronJobFor(job, options), { lineWidth: -1, noRefs: true, quotingType: '"' }));
  return header + documents.map((doc) => `---\n${doc}`).join('');
}
