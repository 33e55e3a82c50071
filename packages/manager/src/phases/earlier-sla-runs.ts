import { describeError as errorText, notice } from '../context.js';
import { applyWrites } from './apply-writes.js';
import { failed, ok, type PhaseResult } from './phase-result.js';
import { postPlan } from './post-progress.js';
import type { RunDeps } from './run-deps.js';
import type { UnfinishedRun } from './run-store.js';
import type { SlaFacts } from './phase-facts.js';
import { recordSlaAlerts } from './sla-phase.js';
import { LockLostError } from '@ecm/core/stores';

/** Finishes one earlier SLA run; returns what could not be posted (null when all went out). */
async function finishSlaRun(deps: RunDeps, run: UnfinishedRun<SlaFacts>): Promise<string | null> {
  notice(`sla: finishing the unfinished run ${run.runKey}`);
  await deps.lock.assertHeld();
  if (run.status === 'planned') {
    await applyWrites(deps.tickets, run.plan.writes);
    await recordSlaAlerts(deps.state, run.runKey, run.plan.writes);
    await deps.runs.save(run.runKey, 'sla', run.slot, run.asOf, { status: 'written' });
  }
  try {
    await postPlan(deps.runs, deps.sink, deps.lock, run.runKey, run.plan.messages);
  } catch (err) {
    if (err instanceof LockLostError) throw err;
    await deps.lock.assertHeld();
    await deps.runs.save(run.runKey, 'sla', run.slot, run.asOf, { status: 'written', error: `posting: ${errorText(err)}` });
    return `${run.runKey}: ${errorText(err)}`;
  }
  await deps.lock.assertHeld();
  await deps.runs.save(run.runKey, 'sla', run.slot, run.asOf, { status: 'succeeded', error: null });
  return null;
}

/**
 * Finishes the SLA watch runs of earlier slots that recorded their levels but did not post them all (the
 * process died, or Slack failed): their levels count as raised, so no later plan would post them. Each is
 * finished from its own saved plan through postPlan, which posts only what is missing. Returns what could
 * not be finished (the run stays `written`; the next run tries again), or the lost lock.
 */
export async function finishEarlierSlaRuns(deps: RunDeps, exceptKey: string): Promise<PhaseResult<string[]>> {
  let problems: string[] = [];
  try {
    for (const run of await deps.runs.unfinished('sla', exceptKey)) {
      const problem = await finishSlaRun(deps, run);
      if (problem) problems.push(problem);
    }
  } catch (err) {
    if (err instanceof LockLostError) return failed({ kind: 'lock_lost', runKey: exceptKey, message: err.message });
    // What was collected before is replaced: the one error says why the finishing stopped.
    problems = [errorText(err)];
  }
  for (const p of problems) notice(`sla: an earlier run is still unfinished (the next run posts what is missing): ${p}`);
  return ok(problems);
}
