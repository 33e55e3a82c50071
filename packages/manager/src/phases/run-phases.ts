import { ECM, inRunSpan, inSpan } from '@ecm/agent/tracing';
import type { EcmConfig, ReasonLearning, TicketStore, TriageResult } from '@ecm/core/domain';
import type { RunLock, StateDb } from '@ecm/core/stores';
import type { SlackSink } from '@ecm/core/slack';
import type { Warehouse } from '@ecm/core/warehouse';
import { describeError as errorText, loadValidConfig, notice, openConfiguredState, openConfiguredWarehouse } from '../context.js';
import { exitOfRun, type RunReport } from '../commands/phase-exit.js';
import type { ExitCode } from '../exit-codes.js';
import { publishRunGauges } from '../metrics/run-gauges.js';
import { renderErrorMessage } from '../render/error-message.js';
import { openAnalyst, type Analyst } from './analyst.js';
import { seedDemoAgentsIfEmpty } from './demo-seeding.js';
import { finishEarlierSlaRuns } from './earlier-sla-runs.js';
import type { PhaseName } from './phase.js';
import type { PhaseFailure } from './phase-result.js';
import { postPlan } from './post-progress.js';
import type { PhaseOutcome, RunDeps, RunOptions } from './run-deps.js';
import { runOnePhase, type SharedReads } from './run-one-phase.js';
import { RunStore } from './run-store.js';
import { slotFor } from './run-slot.js';
import { learningAt, multipliersOf, runTriage } from '@ecm/core/domain';
import { openSlackSink } from '@ecm/core/slack';
import { openTicketStore, refreshDailyStats } from '@ecm/core/stores';
import { warehouseSource } from '@ecm/core/warehouse';
import { takeRunLock } from './take-run-lock.js';

export type { PhaseOutcome, PhaseStatus, RunOptions } from './run-deps.js';
export { postPlan } from './post-progress.js';

/** What a run opens once and closes at its end, whatever happens. */
interface OpenRun {
  deps?: RunDeps;
  state: StateDb | null;
  warehouse: Promise<Warehouse> | null;
  analyst: Analyst | null;
}

async function closeRun(open: OpenRun, lock: RunLock): Promise<void> {
  await open.analyst?.close();
  if (open.warehouse) await (await open.warehouse.catch(() => null))?.close();
  await open.state?.close();
  await lock.release();
}

/** Opens the state, ticket store, analyst and (lazily, once) the warehouse; seeds the demo agents on the quickstart. */
async function openRunDeps(
  options: RunOptions,
  config: EcmConfig,
  lock: RunLock,
  sink: SlackSink,
  demo: boolean,
  open: OpenRun,
): Promise<RunDeps> {
  const state = (open.state = await openConfiguredState(config));
  const tickets: TicketStore = await openTicketStore(state);
  await seedDemoAgentsIfEmpty({ config, state, tickets, demo, dryRun: options.dryRun });
  const warehouse = () => (open.warehouse ??= openConfiguredWarehouse(config));
  const analyst = (open.analyst = await openAnalyst({
    config,
    state,
    tickets,
    warehouse,
    asOf: options.asOf,
    dryRun: options.dryRun,
    command: options.command,
  }));
  return { analyst, config, state, runs: new RunStore(state), lock, tickets, sink, warehouse, demo };
}

/** The triage result and the learning loop, each computed at most once per run and shared by the phases. */
async function sharedReads(deps: RunDeps, asOf: Date): Promise<SharedReads> {
  let learned: Promise<readonly ReasonLearning[]> | null = null;
  const learning = () => (learned ??= learningAt(deps.config, deps.tickets, asOf));
  let triageResult: Promise<TriageResult> | null = null;
  const triage = async () =>
    (triageResult ??= Promise.all([deps.warehouse(), learning()]).then(([w, l]) =>
      runTriage(w, deps.config, { asOf, multipliers: multipliersOf(l) }),
    ));
  return { triage, learning };
}

/** A failed phase: its error alert, posted once per run key (a re-run of the same failure adopts it). */
async function failedOutcome(deps: RunDeps, options: RunOptions, phase: PhaseName, failure: PhaseFailure): Promise<PhaseOutcome> {
  const slot = slotFor(deps.config.settings.schedule, phase, options.asOf);
  const alert = renderErrorMessage(phase, slot, failure.message);
  if (!options.dryRun) await postPlan(deps.runs, deps.sink, deps.lock, `${failure.runKey}:error`, [alert]).catch(() => undefined);
  return { phase, status: 'failed', run_key: failure.runKey, messages: [alert], facts: {}, error: failure.message, ms: 0 };
}

/** One phase in its span; its failure becomes a failed outcome, except the lost lock, which stops the run. */
async function phaseInSpan(deps: RunDeps, options: RunOptions, phase: PhaseName, shared: SharedReads) {
  const result = await inSpan(`phase ${phase}`, { attributes: { [ECM.phase]: phase } }, async (span) => {
    const r = await runOnePhase(deps, options, phase, shared);
    if (r.ok) span.setAttributes({ [ECM.runKey]: r.value.run_key, [ECM.phaseStatus]: r.value.status });
    return r;
  });
  if (result.ok) await deps.analyst.pushMetrics(phase);
  return result;
}

/** §11: phases in order; a failed backlog does not stop triage; a failed triage skips patterns. */
async function runEachPhase(
  deps: RunDeps,
  options: RunOptions,
  shared: SharedReads,
): Promise<{ outcomes: PhaseOutcome[]; stopped?: PhaseFailure }> {
  const outcomes: PhaseOutcome[] = [];
  for (const phase of options.phases) {
    if (phase === 'patterns' && outcomes.some((o) => o.phase === 'triage' && o.status === 'failed')) {
      outcomes.push({ phase, status: 'skipped', run_key: '', messages: [], facts: {}, error: 'skipped because triage failed', ms: 0 });
      continue;
    }
    const result = await phaseInSpan(deps, options, phase, shared);
    if (result.ok) outcomes.push(result.value);
    else if (result.failure.kind === 'lock_lost') return { outcomes, stopped: result.failure };
    else outcomes.push(await failedOutcome(deps, options, phase, result.failure));
  }
  return { outcomes };
}

/** The triage changed tickets (assignments, self-healed closes): the day's Daily Stats rows follow. */
async function refreshDailyStatsAfterTriage(deps: RunDeps, options: RunOptions, outcomes: readonly PhaseOutcome[]): Promise<void> {
  if (options.dryRun || !outcomes.some((o) => o.phase === 'triage' && (o.status === 'succeeded' || o.status === 'partial'))) return;
  await refreshDailyStats(deps.config, deps.tickets, options.asOf).catch((err: unknown) =>
    notice(`The Daily Stats could not be updated: ${errorText(err)}`),
  );
}

/** A broken LLM configuration (e.g. a SKILL.md): the reports went out saying "insights unavailable"; the alert says why. */
async function alertAnalystProblem(deps: RunDeps, options: RunOptions, outcomes: readonly PhaseOutcome[]): Promise<boolean> {
  if (!deps.analyst.problem || options.dryRun || !outcomes.some((o) => o.status !== 'skipped')) return false;
  const slot = slotFor(deps.config.settings.schedule, options.phases[0]!, options.asOf);
  const alert = renderErrorMessage('analyst', slot, deps.analyst.problem);
  await postPlan(deps.runs, deps.sink, deps.lock, `analyst:${slot}:error`, [alert]).catch(() => undefined);
  return true;
}

/** An earlier slot's SLA watch that died after recording its levels is finished before anything new is planned. */
async function finishEarlierSla(deps: RunDeps, options: RunOptions) {
  if (options.dryRun || !(options.phases.includes('sla') || options.command === 'daily'))
    return { ok: true as const, value: [] as string[] };
  return finishEarlierSlaRuns(deps, `sla:${slotFor(deps.config.settings.schedule, 'sla', options.asOf)}`);
}

async function runUnderLock(options: RunOptions, config: EcmConfig, lock: RunLock, sink: SlackSink, demo: boolean): Promise<RunReport> {
  const open: OpenRun = { state: null, warehouse: null, analyst: null };
  try {
    const deps = await openRunDeps(options, config, lock, sink, demo, open);
    const earlier = await finishEarlierSla(deps, options);
    if (!earlier.ok) return { outcomes: [], earlierSlaProblems: [], analystFailed: false, stopped: earlier.failure };
    const { outcomes, stopped } = await runEachPhase(deps, options, await sharedReads(deps, options.asOf));
    if (stopped) return { outcomes, earlierSlaProblems: earlier.value, analystFailed: false, stopped };
    await refreshDailyStatsAfterTriage(deps, options, outcomes);
    const analystFailed = await alertAnalystProblem(deps, options, outcomes);
    await publishRunGauges(outcomes, notice);
    return { outcomes, earlierSlaProblems: earlier.value, analystFailed };
  } finally {
    await closeRun(open, lock);
  }
}

async function runPhasesTraced(options: RunOptions): Promise<RunReport> {
  const config = await loadValidConfig();
  // Decided before the lock and the sink: a production configuration without a warehouse posts nothing (exit 3).
  const source = warehouseSource(process.env);
  if (source.demo)
    notice(
      `Demo data: every report is marked [DEMO]${source.why === 'ECM_DEMO' ? ' (ECM_DEMO is set)' : ''}. Set ECM_WAREHOUSE_URL to use a real warehouse.`,
    );
  const sink = openSlackSink(process.env, { out: options.out });
  const lock = await takeRunLock(options.command, config);
  return runUnderLock(options, config, lock, sink, source.demo);
}

/**
 * Runs phases in order under the run lock, with §11's rules: a failed phase posts the error alert;
 * a failed backlog does not stop triage; a failed triage skips patterns. The run's report becomes an
 * exit code (or a CliError) in phase-exit.ts alone.
 */
export async function runPhases(options: RunOptions): Promise<{ outcomes: PhaseOutcome[]; exitCode: ExitCode }> {
  // One trace per run: the phases, the skills they run and the specialist hand-offs are its spans.
  return inRunSpan(
    `ecm-manager ${options.command}`,
    { [ECM.command]: options.command, 'ecm.as_of': options.asOf.toISOString(), 'ecm.dry_run': options.dryRun },
    async () => exitOfRun(await runPhasesTraced(options)),
  );
}
