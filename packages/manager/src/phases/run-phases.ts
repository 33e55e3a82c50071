import type { EcmConfig, ReasonLearning, RunLock, SlackMessage, SlackSink, StateDb, TicketStore, TriageResult, Warehouse } from '@ecm/core';
import { describeError as errorText, loadValidConfig, notice, openConfiguredState, openConfiguredWarehouse } from '../context.js';
import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import { renderErrorMessage } from '../render/error-message.js';
import { openAnalyst, type Analyst, type RoutedCluster } from './analyst.js';
import { planBacklog } from './backlog-phase.js';
import type { PhaseContext, PhaseName, PhasePlan, PhaseWrites } from './phase.js';
import { planPatterns } from './patterns-phase.js';
import { slotFor } from './run-slot.js';
import { planTriage } from './triage-phase.js';

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

const PLANNERS: Record<PhaseName, (ctx: PhaseContext) => Promise<PhasePlan>> = { backlog: planBacklog, triage: planTriage, patterns: planPatterns };

const jsonOf = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);


/** Applies a plan's writes. Each is idempotent, so finishing a half-applied plan writes only what is missing. */
async function applyWrites(tickets: TicketStore, writes: PhaseWrites): Promise<void> {
  const { TicketRuleError } = await import('@ecm/core');
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
}

interface RunRow {
  status: string;
  plan: PhasePlan | null;
}

async function readRun(state: StateDb, runKey: string): Promise<RunRow | null> {
  const [row] = await state.query('SELECT status, plan FROM runs WHERE run_key = $1', [runKey]);
  return row ? { status: String(row.status), plan: row.plan ? (jsonOf(row.plan) as PhasePlan) : null } : null;
}

async function saveRun(state: StateDb, runKey: string, phase: PhaseName, slot: string, asOf: Date, fields: { status: string; plan?: PhasePlan; error?: string | null }): Promise<void> {
  const now = new Date().toISOString();
  const finished = fields.status === 'succeeded' || fields.status === 'failed' ? now : null;
  await state.query(
    `INSERT INTO runs (run_key, phase, slot, as_of, status, started_at, finished_at, error, facts, plan)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (run_key) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at, error = EXCLUDED.error,
       facts = COALESCE(EXCLUDED.facts, runs.facts), plan = COALESCE(EXCLUDED.plan, runs.plan)`,
    [runKey, phase, slot, asOf.toISOString(), fields.status, now, finished, fields.error ?? null,
      fields.plan ? JSON.stringify(fields.plan.facts) : null, fields.plan ? JSON.stringify(fields.plan) : null],
  );
}

/** Posts every message of a plan, recording each post so a crash resumes with the missing replies only. */
async function postPlan(state: StateDb, sink: SlackSink, runKey: string, messages: readonly SlackMessage[]): Promise<void> {
  const { postReport } = await import('@ecm/core');
  for (const [index, message] of messages.entries()) {
    const [row] = await state.query('SELECT parent_ts, replies_posted FROM run_posts WHERE run_key = $1 AND message_index = $2', [runKey, index]);
    const parentTs = row?.parent_ts ? String(row.parent_ts) : undefined;
    const posted = row ? Number(row.replies_posted) : 0;
    if (parentTs && posted >= message.thread.length) continue;
    await postReport(sink, message, {
      ...(parentTs ? { parentTs, postedReplies: posted } : {}),
      onPosted: async (step) => {
        await state.query(
          `INSERT INTO run_posts (run_key, message_index, title, parent_ts, replies_posted, replies_total) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (run_key, message_index) DO UPDATE SET parent_ts = EXCLUDED.parent_ts, replies_posted = EXCLUDED.replies_posted`,
          [runKey, index, message.title, step.parentTs, step.postedReplies, step.totalReplies],
        );
      },
    });
  }
}

interface Deps {
  analyst: Analyst;
  config: EcmConfig;
  state: StateDb;
  tickets: TicketStore;
  sink: SlackSink;
  warehouse: () => Promise<Warehouse>;
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
  const existing = await readRun(deps.state, runKey);
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
    }
    const { checkSlackLimits, describeViolation } = await import('@ecm/core');
    for (const m of plan.messages) {
      const violations = checkSlackLimits(m);
      if (violations.length) throw new Error(`the ${phase} report breaks Slack's limits: ${violations.map(describeViolation).join('; ')}`);
    }
  } catch (err) {
    if (!options.dryRun) await saveRun(deps.state, runKey, phase, slot, options.asOf, { status: 'failed', error: errorText(err) });
    throw Object.assign(new Error(errorText(err)), { runKey });
  }
  if (options.dryRun) return { phase, status: 'dry_run', run_key: runKey, messages: plan.messages, facts: plan.facts, ms: Date.now() - started };

  // The plan is saved before anything is written: a crash after this point finishes this same plan.
  await saveRun(deps.state, runKey, phase, slot, options.asOf, { status: 'planned', plan });
  await applyWrites(deps.tickets, plan.writes);
  await saveRun(deps.state, runKey, phase, slot, options.asOf, { status: 'written' });
  try {
    await postPlan(deps.state, deps.sink, runKey, plan.messages);
  } catch (err) {
    await saveRun(deps.state, runKey, phase, slot, options.asOf, { status: 'written', error: `posting: ${errorText(err)}` });
    return { phase, status: 'partial', run_key: runKey, messages: plan.messages, facts: plan.facts, error: `posting to Slack failed (the next run posts what is missing): ${errorText(err)}`, ms: Date.now() - started };
  }
  await saveRun(deps.state, runKey, phase, slot, options.asOf, { status: 'succeeded', error: null });
  return { phase, status: 'succeeded', run_key: runKey, messages: plan.messages, facts: plan.facts, ms: Date.now() - started };
}

/** Adds the analyst's replies to the report's thread: insights, and for patterns the specialist's diagnoses. */
async function withAnalysis(analyst: Analyst, phase: PhaseName, triage: () => Promise<TriageResult>, plan: PhasePlan): Promise<PhasePlan> {
  const [main, ...rest] = plan.messages;
  if (!main) return plan;
  const replies = [await analyst.insights(phase, plan.facts)];
  if (phase === 'patterns') {
    const clusters = (plan.facts.clusters ?? []) as (RoutedCluster & { route_to_specialist: boolean })[];
    const routed = clusters.filter((c) => c.route_to_specialist);
    replies.push(...(await analyst.diagnose(routed, routed.length ? await triage() : undefined)));
  }
  return { ...plan, messages: [{ ...main, thread: [...main.thread, ...replies] }, ...rest] };
}

async function takeLock(command: string): Promise<RunLock> {
  const { acquireFileLock, acquirePgLock, describeHolder, RunLockedError, openStateDb } = await import('@ecm/core');
  const holder = describeHolder(command);
  try {
    if (process.env.ECM_STATE_URL) {
      // The holder table must exist before the lock can name a holder.
      await (await openStateDb()).close();
      return await acquirePgLock(process.env.ECM_STATE_URL, holder);
    }
    return acquireFileLock(holder);
  } catch (err) {
    if (err instanceof RunLockedError) throw new CliError(`${err.message}. Wait for it to finish; if that process is gone, its lock is released automatically.`, EXIT.locked);
    throw err;
  }
}

/**
 * Runs phases in order under the run lock, with §11's rules: a failed phase posts the error alert;
 * a failed backlog does not stop triage; a failed triage skips patterns.
 */
export async function runPhases(options: RunOptions): Promise<{ outcomes: PhaseOutcome[]; exitCode: ExitCode }> {
  const config = await loadValidConfig();
  const { learnFromResolutions, multipliersOf, openSlackSink, openTicketStore, runTriage } = await import('@ecm/core');
  const sink = openSlackSink(process.env, { out: options.out });
  const lock = await takeLock(options.command);
  let state: StateDb | null = null;
  let warehouse: Promise<Warehouse> | null = null;
  let analyst: Analyst | null = null;
  try {
    state = await openConfiguredState();
    const tickets = await openTicketStore(state);
    if (!options.dryRun && !process.env.ECM_WAREHOUSE_URL && tickets.kind === 'local' && (await tickets.listAgents()).length === 0) {
      const { seedDemoAgents } = await import('../commands/demo.js');
      notice(`No agents in the ticket store: added the ${await seedDemoAgents(config, state)} fictional demo agents (manage real ones with ecm-manager agents).`);
    }
    const openWarehouseOnce = () => (warehouse ??= openConfiguredWarehouse(config));
    analyst = await openAnalyst({ config, state, tickets, warehouse: openWarehouseOnce, asOf: options.asOf, dryRun: options.dryRun, command: options.command });
    const deps: Deps = { analyst, config, state, tickets, sink, warehouse: openWarehouseOnce };
    let learned: Promise<readonly ReasonLearning[]> | null = null;
    const learning = () =>
      (learned ??= tickets
        .listResolutions(new Date(options.asOf.getTime() - config.settings.learning.window_days * 86_400_000))
        .then((rs) => learnFromResolutions(config.settings.learning, rs.filter((r) => new Date(r.resolved_at) <= options.asOf))));
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
        outcomes.push(await runOnePhase(deps, options, phase, { triage, learning }));
        await analyst.pushMetrics(phase);
      } catch (err) {
        const message = errorText(err);
        const slot = slotFor(config.settings.schedule, phase, options.asOf);
        const alert = renderErrorMessage(phase, slot, message);
        if (!options.dryRun) await postPlan(state, sink, `${(err as { runKey?: string }).runKey ?? phase}:error@${new Date().toISOString()}`, [alert]).catch(() => undefined);
        outcomes.push({ phase, status: 'failed', run_key: (err as { runKey?: string }).runKey ?? `${phase}:${slot}`, messages: [alert], facts: {}, error: message, ms: 0 });
      }
    }
    const exitCode: ExitCode = outcomes.some((o) => o.status === 'failed') ? EXIT.failed : outcomes.some((o) => o.status === 'partial') ? EXIT.partial : EXIT.ok;
    return { outcomes, exitCode };
  } finally {
    await analyst?.close();
    if (warehouse) await (await (warehouse as Promise<Warehouse>).catch(() => null))?.close();
    await state?.close();
    await lock.release();
  }
}
