import type { SlackMessage } from '@ecm/core/slack';
import { describeError as errorText, notice } from '../context.js';
import { applyWrites } from './apply-writes.js';
import { planBacklog } from './backlog-phase.js';
import type { PhaseContext, PhaseName, PlanOf } from './phase.js';
import type { RunRecord } from './run-store.js';
import type { PhaseFactsOf } from './phase.js';
import { planPatterns } from './patterns-phase.js';
import { failed, ok, type PhaseResult } from './phase-result.js';
import { postPlan } from './post-progress.js';
import type { PhaseOutcome, PhaseStatus, RunDeps, RunOptions } from './run-deps.js';
import { slotFor } from './run-slot.js';
import { planSlaWatch, recordSlaAlerts } from './sla-phase.js';
import { planTriage } from './triage-phase.js';
import { withAnalysis } from './with-analysis.js';
import { markDemo, checkSlackLimits, describeViolation } from '@ecm/core/slack';
import { LockLostError, StateStoreError } from '@ecm/core/stores';

type Planners = { readonly [P in PhaseName]: (ctx: PhaseContext) => Promise<PlanOf<P>> };
const PLANNERS: Planners = { backlog: planBacklog, triage: planTriage, patterns: planPatterns, sla: planSlaWatch };

/** What the phases of one run share: the triage result and the learning loop, each computed once. */
export type SharedReads = Pick<PhaseContext, 'triage' | 'learning'>;

/** One phase's run: which phase, its slot and run key, and when it started. */
interface PhaseRun<P extends PhaseName> {
  readonly phase: P;
  readonly slot: string;
  readonly runKey: string;
  readonly started: number;
}

const outcomeOf = <P extends PhaseName>(run: PhaseRun<P>, status: PhaseStatus, plan: PlanOf<P>, error?: string): PhaseOutcome => ({
  phase: run.phase,
  status,
  run_key: run.runKey,
  messages: plan.messages,
  facts: plan.facts,
  ...(error === undefined ? {} : { error }),
  ms: Date.now() - run.started,
});

/** A new plan from the warehouse, with the analyst's replies, marked [DEMO] on the demo warehouse. */
async function freshPlan<P extends PhaseName>(
  deps: RunDeps,
  options: RunOptions,
  run: PhaseRun<P>,
  shared: SharedReads,
): Promise<PlanOf<P>> {
  const warehouse = await deps.warehouse();
  const ctx: PhaseContext = {
    config: deps.config,
    warehouse,
    state: deps.state,
    tickets: deps.tickets,
    asOf: options.asOf,
    slot: run.slot,
    ...shared,
  };
  const planner = PLANNERS[run.phase] as (ctx: PhaseContext) => Promise<PlanOf<P>>;
  const plan = await withAnalysis(deps.analyst, run.phase, shared.triage, await planner(ctx));
  if (!deps.demo) return plan;
  return { ...plan, messages: plan.messages.map(markDemo) };
}

/** Throws when a report breaks Slack's limits: such a plan is never saved, so it is never half-posted. */
async function assertWithinSlackLimits(phase: PhaseName, messages: readonly SlackMessage[]): Promise<void> {
  for (const m of messages) {
    const violations = checkSlackLimits(m);
    if (violations.length) throw new Error(`the ${phase} report breaks Slack's limits: ${violations.map(describeViolation).join('; ')}`);
  }
}

/** The plan to carry out: the saved one of an unfinished run, else a new one. A plan that cannot be made is recorded as failed. */
async function planFor<P extends PhaseName>(
  deps: RunDeps,
  options: RunOptions,
  run: PhaseRun<P>,
  existing: RunRecord<PhaseFactsOf[P]> | null,
  shared: SharedReads,
): Promise<PhaseResult<PlanOf<P>>> {
  const resume = !options.force && existing?.plan && (existing.status === 'planned' || existing.status === 'written');
  try {
    let plan: PlanOf<P>;
    if (resume) {
      plan = existing!.plan!;
      notice(`${run.phase}: resuming the unfinished run ${run.runKey}`);
    } else plan = await freshPlan(deps, options, run, shared);
    await assertWithinSlackLimits(run.phase, plan.messages);
    return ok(plan);
  } catch (err) {
    if (!options.dryRun) {
      await deps.lock.assertHeld();
      await deps.runs.save(run.runKey, run.phase, run.slot, options.asOf, { status: 'failed', error: errorText(err) });
    }
    return failed({ kind: 'planning', runKey: run.runKey, message: errorText(err) });
  }
}

/**
 * Saves the plan before anything is written (a crash after this point finishes this same plan), applies
 * its writes, then posts. Each batch of writes starts by proving the lock is still ours.
 */
async function carryOut<P extends PhaseName>(
  deps: RunDeps,
  options: RunOptions,
  run: PhaseRun<P>,
  plan: PlanOf<P>,
): Promise<PhaseResult<PhaseOutcome>> {
  const { runs, lock } = deps;
  const save = (fields: Parameters<typeof runs.save>[4]) => runs.save(run.runKey, run.phase, run.slot, options.asOf, fields);
  await lock.assertHeld();
  await save({ status: 'planned', plan });
  await lock.assertHeld();
  await applyWrites(deps.tickets, plan.writes);
  await recordSlaAlerts(deps.state, run.runKey, plan.writes);
  await save({ status: 'written' });
  try {
    await postPlan(runs, deps.sink, lock, run.runKey, plan.messages);
  } catch (err) {
    if (err instanceof LockLostError) throw err;
    if (err instanceof StateStoreError) {
      // Not a Slack failure: what was posted could not be recorded. The next run adopts or posts it.
      return failed({
        kind: 'recording',
        runKey: run.runKey,
        message: `the state store failed while recording the ${run.phase} posts (the next run adopts or posts what is missing): ${errorText(err)}`,
      });
    }
    await lock.assertHeld();
    await save({ status: 'written', error: `posting: ${errorText(err)}` });
    return ok(outcomeOf(run, 'partial', plan, `posting to Slack failed (the next run posts what is missing): ${errorText(err)}`));
  }
  await lock.assertHeld();
  await save({ status: 'succeeded', error: null });
  return ok(outcomeOf(run, 'succeeded', plan));
}

async function runPhaseSteps<P extends PhaseName>(
  deps: RunDeps,
  options: RunOptions,
  phase: P,
  slot: string,
  shared: SharedReads,
  started: number,
): Promise<PhaseResult<PhaseOutcome>> {
  const slotKey = `${phase}:${slot}`;
  const existing = (await deps.runs.read(phase, slotKey)) as RunRecord<PhaseFactsOf[P]> | null;
  if (existing?.status === 'succeeded' && !options.force && !options.dryRun) {
    return ok({ phase, status: 'skipped', run_key: slotKey, messages: [], facts: existing.plan?.facts ?? {}, ms: Date.now() - started });
  }
  const run: PhaseRun<P> = {
    phase,
    slot,
    started,
    runKey: existing && options.force ? `${slotKey}#forced@${new Date().toISOString()}` : slotKey,
  };
  const planned = await planFor(deps, options, run, existing, shared);
  if (!planned.ok) return planned;
  if (options.dryRun) return ok(outcomeOf(run, 'dry_run', planned.value));
  return carryOut(deps, options, run, planned.value);
}

/**
 * One phase of a run, from its slot's record to the posted report. Every way it can end is a value:
 * an outcome (succeeded, skipped, partial, dry run) or a failure whose kind says what is left to do.
 */
export async function runOnePhase(
  deps: RunDeps,
  options: RunOptions,
  phase: PhaseName,
  shared: SharedReads,
): Promise<PhaseResult<PhaseOutcome>> {
  const started = Date.now();
  const slot = slotFor(deps.config.settings.schedule, phase, options.asOf);
  try {
    return await runPhaseSteps(deps, options, phase, slot, shared, started);
  } catch (err) {
    // Without the lock nothing more may be written or posted, not even the error alert.
    if (err instanceof LockLostError) return failed({ kind: 'lock_lost', runKey: `${phase}:${slot}`, message: err.message });
    // Reading the run, saving it or applying its writes failed: the alert is filed under the slot's key.
    return failed({ kind: 'store', runKey: `${phase}:${slot}`, message: errorText(err) });
  }
}
