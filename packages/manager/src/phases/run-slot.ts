import type { Settings } from '@ecm/core/domain';
import { lastScheduledSlot, runKeyFor } from '../schedule/next-runs.js';
import { DAILY_PHASES, type PhaseName } from './phase.js';

/**
 * The scheduled slot a run at `asOf` belongs to: the latest slot of any job that runs this phase
 * (`daily` runs all three; triage-only jobs run triage). Re-running inside one slot is a re-run.
 */
export function slotFor(schedule: Settings['schedule'], phase: PhaseName, asOf: Date): string {
  let best: { at: Date; key: string } | null = null;
  for (const job of schedule) {
    const daily = job.command === 'daily' && (DAILY_PHASES as readonly string[]).includes(phase);
    if (!daily && job.command !== phase) continue;
    const at = lastScheduledSlot(job, asOf);
    if (at && (!best || at > best.at)) best = { at, key: runKeyFor(job, at) };
  }
  // Not scheduled at all: each as-of minute is its own slot.
  return best?.key ?? `manual@${asOf.toISOString()}`;
}
