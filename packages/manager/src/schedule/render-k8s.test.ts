import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { cronJobFor, renderK8sCronJobs } from './render-k8s.js';
import type { ScheduledJob } from './next-runs.js';

const options = { image: 'registry.example.com/ecm:1.2.3', namespace: 'ops', secretName: 'ecm-env' };
const schedule: ScheduledJob[] = [
  { name: 'daily', command: 'daily', cron: '0 7 * * *', time_zone: 'Asia/Kolkata' },
  { name: 'triage-evening', command: 'triage', cron: '0  20 * * *', time_zone: 'Asia/Dubai' },
];

const documents = (text: string) => yaml.loadAll(text) as Record<string, any>[];

describe('renderK8sCronJobs', () => {
  const docs = documents(renderK8sCronJobs(schedule, options));

  it('gives one batch/v1 CronJob per job, in the job zone, never overlapping', () => {
    expect(docs).toHaveLength(2);
    expect(docs.map((d) => [d.apiVersion, d.kind, d.metadata.name, d.metadata.namespace])).toEqual([
      ['batch/v1', 'CronJob', 'ecm-daily', 'ops'],
      ['batch/v1', 'CronJob', 'ecm-triage-evening', 'ops'],
    ]);
    expect(docs.map((d) => [d.spec.schedule, d.spec.timeZone, d.spec.concurrencyPolicy])).toEqual([
      ['0 7 * * *', 'Asia/Kolkata', 'Forbid'],
      ['0 20 * * *', 'Asia/Dubai', 'Forbid'],
    ]);
  });

  it('runs the job command in the image with the secret as environment, once, with deadlines', () => {
    const [daily, evening] = docs;
    const job = evening!.spec.jobTemplate.spec;
    const pod = job.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0].image).toBe(options.image);
    expect(pod.containers[0].args).toEqual(['triage']);
    expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: 'ecm-env' } }]);
    expect(daily!.spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['daily']);
    expect(job.backoffLimit).toBe(0);
    expect(job.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(evening!.spec.startingDeadlineSeconds).toBeGreaterThan(0);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('takes deadlines and retries from the options', () => {
    const [doc] = documents(
      renderK8sCronJobs([schedule[0]!], { ...options, startingDeadlineSeconds: 60, activeDeadlineSeconds: 900, backoffLimit: 2 }),
    );
    expect(doc!.spec.startingDeadlineSeconds).toBe(60);
    expect(doc!.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(900);
    expect(doc!.spec.jobTemplate.spec.backoffLimit).toBe(2);
  });

  it('refuses a job name Kubernetes would reject and a cron it would misread', () => {
    const long = { ...schedule[0]!, name: `a${'-x'.repeat(30)}` };
    expect(() => cronJobFor(long, options)).toThrow(/DNS label/);
    expect(() => cronJobFor({ ...schedule[0]!, cron: '0 25 * * *' }, options)).toThrow(/hour 25/);
  });

  it('is the same text for the same input (the committed manifest can be compared)', () => {
    expect(renderK8sCronJobs(schedule, options)).toBe(renderK8sCronJobs(schedule, options));
  });
});
