import { parseCron, runsOnDate, wallClock } from '@ecm/core/domain';
import type { Domain, TriggerRun } from '@ecm/agent';
import type { TriggerGate, TriggerRequest } from './trigger-gate.js';
import { errorText } from '@ecm/core/text';

/** The wall-clock minute of `at` in `timeZone`. */
function localMinute(at: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; key: string } {
  const { year, month, day, hour, minute } = wallClock(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { year, month, day, hour, minute, key: `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}` };
}

/** Whether a cron job of a domain is due in the minute containing `at` (its own time zone). */
export function cronDue(job: { readonly cron: string; readonly time_zone: string }, at: Date): { due: boolean; minute: string } {
  const cron = parseCron(job.cron);
  const t = localMinute(at, job.time_zone);
  return { due: cron.minutes.includes(t.minute) && cron.hours.includes(t.hour) && runsOnDate(cron, t.year, t.month, t.day), minute: t.key };
}

export type StartRun = (
  t: TriggerRequest,
  domain: Domain,
  run: TriggerRun,
  finish: (o: 'done' | 'failed' | 'refused', d?: string) => Promise<void>,
) => void;

/**
 * The domains' `triggers.cron` jobs, run by the service. Each job's minute is its dedupe key, so
 * several ticks in the same minute — or several replicas — start it once.
 */
export function createCronTriggers(deps: {
  readonly domains: ReadonlyMap<string, Domain>;
  readonly gate: TriggerGate;
  readonly start: StartRun;
  readonly log: (line: string) => void;
}) {
  let timer: NodeJS.Timeout | undefined;
  async function tick(at: Date): Promise<number> {
    let started = 0;
    for (const domain of deps.domains.values()) {
      for (const job of domain.triggers.cron) {
        const { due, minute } = cronDue(job, at);
        if (!due) continue;
        const t: TriggerRequest = {
          domain: domain.name,
          source: 'cron',
          kind: job.name,
          dedupeKey: `${job.name}@${minute}`,
          detail: { job: job.name, cron: job.cron, time_zone: job.time_zone, minute },
        };
        const admission = await deps.gate.admit(t);
        if (admission.ok) {
          deps.start(t, domain, job.run, admission.finish);
          started++;
        }
      }
    }
    return started;
  }
  return {
    tick,
    /** Checks every 20 s, so each minute is seen at least twice. */
    start(): void {
      if ([...deps.domains.values()].every((d) => d.triggers.cron.length === 0)) return;
      timer = setInterval(() => void tick(new Date()).catch((err: unknown) => deps.log(`serve: cron triggers: ${errorText(err)}`)), 20_000);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
    },
  };
}
