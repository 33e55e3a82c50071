import type { EcmConfig } from '@ecm/core/domain';
import { z } from 'zod';
import type { RunStore } from '../../phases/run-store.js';

/** Whether each scheduled job's latest slot has a succeeded run (grace: 2 h after the slot). */
export async function missedRuns(config: EcmConfig, runs: RunStore, now: Date): Promise<string[]> {
  const { lastScheduledSlot, runKeyFor } = await import('../../schedule/index.js');
  const missed: string[] = [];
  // Slots before the first run ever are not "missed": the system was not installed yet.
  const installed = await runs.firstStartedAt();
  if (!installed) return missed;
  for (const job of config.settings.schedule) {
    const slot = lastScheduledSlot(job, new Date(now.getTime() - 2 * 3_600_000));
    if (!slot || slot < installed) continue;
    const phases = job.command === 'daily' ? ['backlog', 'triage', 'patterns'] : [job.command];
    const keys = phases.map((p) => `${p}:${runKeyFor(job, slot)}`);
    if ((await runs.succeededCount(keys)) < keys.length) missed.push(`${job.name} at ${slot.toISOString()}`);
  }
  return missed;
}

/** What health reads of a backlog run's facts; runs recorded before quarantine existed count 0. */
const quarantineFacts = z.object({ quarantined: z.array(z.unknown()).optional() }).nullable();

/** The orders the latest backlog run quarantined (warehouse rows that failed validation), from its facts. */
export async function lastQuarantined(runs: RunStore): Promise<{ count: number; run_key: string } | null> {
  const latest = await runs.latestSucceededFacts('backlog');
  if (!latest) return null;
  const facts = quarantineFacts.safeParse(latest.facts);
  return { count: facts.success ? (facts.data?.quarantined?.length ?? 0) : 0, run_key: latest.runKey };
}
