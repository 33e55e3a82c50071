import { ECM, inRunSpan, inSpan } from '@ecm/agent/tracing';
import type { EcmConfig, ReasonLearning, TicketStore, TriageResult } from '@ecm/core/domain';
import type { RunLock, StateDb } from '@ecm/core/stores';
import type { SlackMessage, SlackSink } from '@ecm/core/slack';
import type { Warehouse } from '@ecm/core/warehouse';
import { describeError as errorText, loadValidConfig, notice, openConfiguredState, openConfiguredWarehouse } from '../context.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { publishRunGauges } from '../metrics/run-gauges.js';
import { renderErrorMessage } from '../render/error-message.js';
import { openAnalyst, type Analyst, type RoutedCluster } from './analyst.js';
import { planBacklog } from './backlog-phase.js';
import type { PhaseContext, PhaseName, PhasePlan, PhaseWrites } from './phase.js';
import { planPatterns } from './patterns-phase.js';
import { RunStore } from './run-store.js';
import { slotFor } from './run-slot.js';
import { planSlaWatch, recordSlaAlerts } from './sla-phase.js';
import { planTriage } from './triage-phase.js';
import { TicketRuleError, learningAt, multipliersOf, runTriage } from '@ecm/core/domain';
import { postReport, markDemo, checkSlackLimits, describeViolation, openSlackSink } from '@ecm/core/slack';
import { StateStoreError, LockLostError, acquireFileLock, acquirePgLock, describeHolder, RunLockedError, stateTimeoutsOf, openTicketStore, refreshDailyStats } from '@ecm/core/stores';
import { warehouseSource } from '@ecm/core/warehouse';

export type PhaseStatus = 'succeeded' | 'skipped' | 'failed' | 'partial' | 'dry_run';

export interface PhaseOutcome {
  readonly phase: PhaseName;
  readonly status: PhaseStatus;
  readonly run_key: string;
  readonly messages: readonly SlackMessage[];
  readonly facts: Record<string, unknown>;
  readonly error?: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly command: string;
  readonly phases: readonly PhaseName[];
  readonly asOf: Date;
  readonly dryRun: boolean;
  readonly force: boolean;
  /** Where the outbox prints messages (stderr when stdout carries --json). */
  readonly out: NodeJS.WritableStream;
}

const PLANNERS: Record<PhaseName, (ctx: PhaseContext) => Promise<PhasePlan>> = { backlog: planBacklog, triage: planTriage, patterns: planPatterns, sla: planSlaWatch };


/** Applies a plan's writes. Each is idempotent, so finishing a half-applied plan writes only what is missing. */
async function applyWrites(tickets: TicketStore, writes: PhaseWrites): Promise<void> {
  for (const resolution of writes.self_healed ?? []) {
    try {
      await tickets.resolveTicket(resolution, { byAutomation: true });
    } catch (err) {
      // Already closed (by a person or by an earlier attempt of this run): nothing left to do.
      if (!(err instanceof TicketRuleError && (err.code === 'already_closed' || err.code === 'not_found'))) throw err;
    }
  }
  if (writes.tickets?.length) await tickets.createTickets(writes.tickets);
  if (writes.patterns?.length) await tickets.appendPatterns(writes.patterns);
  if (writes.daily_stats?.length) await tickets.writeDailyStats(writes.daily_stats);
}

/**
 * Posts every message of a plan exactly once, whatever instant the process dies at: before each post
 * the run proves it still holds the lock and records its intent; each post carries its run and
 * message key as metadata; a post whose intent was recorded but not its ts is looked up (and adopted)
 * before it is sent again.
 */
export async function postPlan(runs: RunStore, sink: SlackSink, lock: RunLock, runKey: string, messages: readonly SlackMessage[]): Promise<void> {
  // Whatever fails while reading or recording progress is the state store's failure, not Slack's.
  const recording = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (err) {
      throw err instanceof StateStoreError ? err : new StateStoreError(`state store: ${errorText(err)}`, err);
    }
  };
  for (const [index, message] of messages.entries()) {
    const done = await recording(() => runs.postState(runKey, index));
    if (done.parentTs && done.postedReplies >= message.thread.length) continue;
    await postReport(sink, message, {
      ...(message.channel ? { channel: message.channel } : {}),
      runKey,
      messageKey: String(index),
      ...(done.parentTs ? { parentTs: done.parentTs, postedReplies: done.postedReplies } : {}),
      ...(done.pending ? { pending: done.pending } : {}),
      beforePost: async ({ post }) => {
        await lock.assertHeld();
        await recording(() => runs.recordIntent(runKey, index, message.title, post, message.thread.length));
      },
      onPosted: (step) => recording(() => runs.recordPosted(runKey, index, message.title, step)),
    });
  }
}

/**
 * Finishes the SLA watch runs of earlier slots that recorded their levels but did not post them all (the
 * process died, or Slack failed): their levels count as raised, so no later plan would post them. Each is
 * finished from its own saved plan through postPlan, which posts only what is missing. Returns what could
 * not be posted (the run stays `written`; the next run tries again).
 */
async function finishEarlierSlaRuns(deps: Deps, exceptKey: string): Promise<string[]> {
  const problems: string[] = [];
  for (const run of await deps.runs.unfinished('sla', exceptKey)) {
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
      problems.push(`${run.runKey}: ${errorText(err)}`);
      await deps.lock.assertHeld();
      await deps.runs.save(run.runKey, 'sla', run.slot, run.asOf, { status: 'written', error: `posting: ${errorText(err)}` });
      continue;
    }
    await deps.lock.assertHeld();
    await deps.runs.save(run.runKey, 'sla', run.slot, run.asOf, { status: 'succeeded', error: null });
  }
  return problems;
}

interface Deps {
  analyst: Analyst;
  config: EcmConfig;
  state: StateDb;
  runs: RunStore;
  lock: RunLock;
  tickets: TicketStore;
  sink: SlackSink;
  warehouse: () => Promise<Warehouse>;
  /** The run reads the demo warehouse: every report's title says [DEMO]. */
  demo: boolean;
}

async function runOnePhase(
  deps: Deps,
  options: RunOptions,
  phase: PhaseName,
  shared: Pick<PhaseContext, 'triage' | 'learning'>,
): Promise<PhaseOutcome> {
  const started = Date.now();
  const slot = slotFor(deps.config.settings.schedule, phase, options.asOf);
  let runKey = `${phase}:${slot}`;
  const { runs, lock } = deps;
  const existing = await runs.read(runKey);
  if (existing?.status === 'succeeded' && !options.force && !options.dryRun) {
    return { phase, status: 'skipped', run_key: runKey, messages: [], facts: existing.plan?.facts ?? {}, ms: Date.now() - started };
  }
  if (existing && options.force) runKey = `${runKey}#forced@${new Date().toISOString()}`;
  const resume = !options.force && existing?.plan && (existing.status === 'planned' || existing.status === 'written');
  let plan: PhasePlan;
  try {
    if (resume) {
      plan = existing!.plan!;
      notice(`${phase}: resuming the unfinished run ${runKey}`);
    } else {
      const warehouse = await deps.warehouse();
      plan = await withAnalysis(deps.analyst, phase, shared.triage, await PLANNERS[phase]({ config: deps.config, warehouse, state: deps.state, tickets: deps.tickets, asOf: options.asOf, slot, ...shared }));
      if (deps.demo) {
        plan = { ...plan, messages: plan.messages.map(markDemo) };
      }
    }
    for (const m of plan.messages) {
      const violations = checkSlackLimits(m);
      if (violations.length) throw new Error(`the ${phase} report breaks Slack's limits: ${violations.map(describeViolation).join('; ')}`);
    }
  } catch (err) {
    if (!options.dryRun) {
      await lock.assertHeld();
      await runs.save(runKey, phase, slot, options.asOf, { status: 'failed', error: errorText(err) });
    }
    throw Object.assign(new Error(errorText(err)), { runKey });
  }
  if (options.dryRun) return { phase, status: 'dry_run', run_key: runKey, messages: plan.messages, facts: plan.facts, ms: Date.now() - started };

  // The plan is saved before anything is written: a crash after this point finishes this same plan.
  // Each batch of writes starts by proving the lock is still ours.
  await lock.assertHeld();
  await runs.save(runKey, phase, slot, options.asOf, { status: 'planned', plan });
  await lock.assertHeld();
  await applyWrites(deps.tickets, plan.writes);
  await recordSlaAlerts(deps.state, runKey, plan.writes);
  await runs.save(runKey, phase, slot, options.asOf, { status: 'written' });
  try {
    await postPlan(runs, deps.sink, lock, runKey, plan.messages);
  } catch (err) {
    if (err instanceof LockLostError) throw err;
    if (err instanceof StateStoreError) {
      // Not a Slack failure: what was posted could not be recorded. The next run adopts or posts it.
      throw Object.assign(new Error(`the state store failed while recording the ${phase} posts (the next run adopts or posts what is missing): ${errorText(err)}`), { runKey });
    }
    await lock.assertHeld();
    await runs.save(runKey, phase, slot, options.asOf, { status: 'written', error: `posting: ${errorText(err)}` });
    return { phase, status: 'partial', run_key: runKey, messages: plan.messages, facts: plan.facts, error: `posting to Slack failed (the next run posts what is missing): ${errorText(err)}`, ms: Date.now() - started };
  }
  await lock.assertHeld();
  await runs.save(runKey, phase, slot, options.asOf, { status: 'succeeded', error: null });
  return { phase, status: 'succeeded', run_key: runKey, messages: plan.messages, facts: plan.facts, ms: Date.now() - started };
}

/** Adds the analyst's replies to the report's thread: insights, and for patterns the specialist's diagnoses. */
async function withAnalysis(analyst: Analyst, phase: PhaseName, triage: () => Promise<TriageResult>, plan: PhasePlan): Promise<PhasePlan> {
  const [main, ...rest] = plan.messages;
  if (!main || phase === 'sla') return plan;
  const replies = [await analyst.insights(phase, plan.facts)];
  if (phase === 'patterns') {
    const clusters = (plan.facts.clusters ?? []) as (RoutedCluster & { route_to_specialist: boolean })[];
    const routed = clusters.filter((c) => c.route_to_specialist);
    replies.push(...(await analyst.diagnose(routed, routed.length ? await triage() : undefined)));
  }
  return { ...plan, messages: [{ ...main, thread: [...main.thread, ...replies] }, ...rest] };
}

async function takeLock(command: string, config: EcmConfig): Promise<RunLock> {
  const holder = describeHolder(command);
  try {
    if (process.env.ECM_STATE_URL) {
      // The holder table must exist before the lock can name a holder.
      await (await openConfiguredState(config)).close();
      const timeouts = stateTimeoutsOf(config.settings.timeouts);
      return await acquirePgLock(process.env.ECM_STATE_URL, holder, { connectTimeoutMs: timeouts.connectMs, statementTimeoutMs: timeouts.statementMs });
    }
    return acquireFileLock(holder);
  } catch (err) {
    if (err instanceof RunLockedError) throw new CliError(`${err.message}. To do: ${err.advice}.`, EXIT.locked);
    throw err;
  }
}

/**
 * Runs phases in order under the run lock, with §11's rules: a failed phase posts the error alert;
 * a failed backlog does not stop triage; a failed triage skips patterns.
 */
export async function runPhases(options: RunOptions): Promise<{ outcomes: PhaseOutcome[]; exitCode: ExitCode }> {
  // One trace per run: the phases, the skills they run and the specialist hand-offs are its spans.
  return inRunSpan(`ecm-manager ${options.command}`, { [ECM.command]: options.command, 'ecm.as_of': options.asOf.toISOString(), 'ecm.dry_run': options.dryRun }, () => runPhasesTraced(options));
}

async function runPhasesTraced(options: RunOptions): Promise<{ outcomes: PhaseOutcome[]; exitCode: ExitCode }> {
  const config = await loadValidConfig();
  // Decided before the lock and the sink: a production configuration without a warehouse posts nothing (exit 3).
  const source = warehouseSource(process.env);
  if (source.demo) notice(`Demo data: every report is marked [DEMO]${source.why === 'ECM_DEMO' ? ' (ECM_DEMO is set)' : ''}. Set ECM_WAREHOUSE_URL to use a real warehouse.`);
  const sink = openSlackSink(process.env, { out: options.out });
  const lock = await takeLock(options.command, config);
  let state: StateDb | null = null;
  let warehouse: Promise<Warehouse> | null = null;
  let analyst: Analyst | null = null;
  try {
    state = await openConfiguredState(config);
    const tickets = await openTicketStore(state);
    // The quickstart is the demo: its embedded store gets the fictional agents; a real store (ECM_STATE_URL, the sheet) never does.
    if (!options.dryRun && source.demo && !process.env.ECM_STATE_URL && tickets.kind === 'local' && (await tickets.listAgents()).length === 0) {
      const { seedDemoAgents } = await import('../commands/demo.js');
      notice(`No agents in the ticket store: added the ${await seedDemoAgents(config, state)} fictional demo agents (manage real ones with ecm-manager agents).`);
    }
    const openWarehouseOnce = () => (warehouse ??= openConfiguredWarehouse(config));
    analyst = await openAnalyst({ config, state, tickets, warehouse: openWarehouseOnce, asOf: options.asOf, dryRun: options.dryRun, command: options.command });
    const runs = new RunStore(state);
    const deps: Deps = { analyst, config, state, runs, lock, tickets, sink, warehouse: openWarehouseOnce, demo: source.demo };
    // An earlier slot's SLA watch that died after recording its levels is finished before anything new is planned.
    let earlierSlaProblems: string[] = [];
    if (!options.dryRun && (options.phases.includes('sla') || options.command === 'daily')) {
      const currentSla = `sla:${slotFor(config.settings.schedule, 'sla', options.asOf)}`;
      try {
        earlierSlaProblems = await finishEarlierSlaRuns(deps, currentSla);
      } catch (err) {
        if (err instanceof LockLostError) throw new CliError(err.message, EXIT.locked);
        earlierSlaProblems = [errorText(err)];
      }
      for (const p of earlierSlaProblems) notice(`sla: an earlier run is still unfinished (the next run posts what is missing): ${p}`);
    }
    let learned: Promise<readonly ReasonLearning[]> | null = null;
    const learning = () => (learned ??= learningAt(config, tickets, options.asOf));
    let triageResult: Promise<TriageResult> | null = null;
    const triage = async () =>
      (triageResult ??= Promise.all([deps.warehouse(), learning()]).then(([w, l]) => runTriage(w, config, { asOf: options.asOf, multipliers: multipliersOf(l) })));

    const outcomes: PhaseOutcome[] = [];
    for (const phase of options.phases) {
      const triageFailed = outcomes.some((o) => o.phase === 'triage' && o.status === 'failed');
      if (phase === 'patterns' && triageFailed) {
        outcomes.push({ phase, status: 'skipped', run_key: '', messages: [], facts: {}, error: 'skipped because triage failed', ms: 0 });
        continue;
      }
      try {
        outcomes.push(await inSpan(`phase ${phase}`, { attributes: { [ECM.phase]: phase } }, async (span) => {
          const outcome = await runOnePhase(deps, options, phase, { triage, learning });
          span.setAttributes({ [ECM.runKey]: outcome.run_key, [ECM.phaseStatus]: outcome.status });
          return outcome;
        }));
        await analyst.pushMetrics(phase);
      } catch (err) {
        // Without the lock nothing more may be written or posted, not even the error alert.
        if (err instanceof LockLostError) throw new CliError(err.message, EXIT.locked);
        const message = errorText(err);
        const slot = slotFor(config.settings.schedule, phase, options.asOf);
        const alert = renderErrorMessage(phase, slot, message);
        const runKey = (err as { runKey?: string }).runKey ?? `${phase}:${slot}`;
        // One alert per run key: a re-run of the same failure adopts the alert instead of posting another.
        if (!options.dryRun) await postPlan(runs, sink, lock, `${runKey}:error`, [alert]).catch(() => undefined);
        outcomes.push({ phase, status: 'failed', run_key: runKey, messages: [alert], facts: {}, error: message, ms: 0 });
      }
    }
    // The triage changed tickets (assignments, self-healed closes): the day's Daily Stats rows follow.
    if (!options.dryRun && outcomes.some((o) => o.phase === 'triage' && (o.status === 'succeeded' || o.status === 'partial'))) {
      await refreshDailyStats(config, tickets, options.asOf).catch((err: unknown) => notice(`The Daily Stats could not be updated: ${errorText(err)}`));
    }
    // A broken LLM configuration (e.g. a SKILL.md): the reports went out saying "insights unavailable"; the alert says why.
    let analystFailed = false;
    if (analyst.problem && !options.dryRun && outcomes.some((o) => o.status !== 'skipped')) {
      analystFailed = true;
      const slot = slotFor(config.settings.schedule, options.phases[0]!, options.asOf);
      const alert = renderErrorMessage('analyst', slot, analyst.problem);
      await postPlan(runs, sink, lock, `analyst:${slot}:error`, [alert]).catch(() => undefined);
    }
    await publishRunGauges(outcomes, notice);
    const exitCode: ExitCode =
      outcomes.some((o) => o.status === 'failed') || analystFailed ? EXIT.failed : outcomes.some((o) => o.status === 'partial') || earlierSlaProblems.length > 0 ? EXIT.partial : EXIT.ok;
    return { outcomes, exitCode };
  } finally {
    await analyst?.close();
    if (warehouse) await (await (warehouse as Promise<Warehouse>).catch(() => null))?.close();
    await state?.close();
    await lock.release();
  }
}
