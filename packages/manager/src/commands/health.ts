import type { EcmConfig } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import { loadValidConfig } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { openWarehouse, loadQuery, readDemoInfo, warehouseSource } from '@ecm/core/warehouse';
import { parseWarehouseTime, runTriage } from '@ecm/core/domain';
import { openStateDb, openTicketStore, acquireFileLock, describeHolder, RunLockedError, checkSheet, SheetsTicketStore } from '@ecm/core/stores';
import { openSlackSink } from '@ecm/core/slack';
import { maskSecrets, oneLine } from '@ecm/core/text';

type Level = 'ok' | 'degraded' | 'down' | 'not_configured';

export interface Check {
  readonly name: string;
  readonly level: Level;
  readonly detail: string;
  readonly ms?: number;
}

const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - started) };
};

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function checkWarehouse(config: EcmConfig, asOf: Date, active: boolean): Promise<Check> {
  try {
    warehouseSource(process.env);
  } catch (err) {
    return { name: 'warehouse', level: 'down', detail: message(err) };
  }
  if (!process.env.ECM_WAREHOUSE_URL && !readDemoInfo()) return { name: 'warehouse', level: 'not_configured', detail: 'no ECM_WAREHOUSE_URL and no demo warehouse yet (created on first run)' };
  try {
    const warehouse = await openWarehouse({ sharedDir: config.sharedDir });
    try {
      const { value: rows, ms } = await timed(() => warehouse.query(loadQuery(config.sharedDir, 'freshness')));
      const newest = rows[0]?.newest_update;
      if (typeof newest !== 'string') return { name: 'warehouse', level: 'degraded', detail: `${warehouse.label}: orders_goms is empty`, ms };
      const ageHours = (asOf.getTime() - parseWarehouseTime(newest).getTime()) / 3_600_000;
      const stale = ageHours > config.settings.data_freshness.warehouse_stale_hours;
      let detail = `${warehouse.label}: newest orders_goms update ${newest} (${ageHours.toFixed(1)} h old${stale ? `, older than ${config.settings.data_freshness.warehouse_stale_hours} h: the load may be stuck` : ''})`;
      if (active) {
        const triage = await timed(() => runTriage(warehouse, config, { asOf }));
        detail += `; candidate query ran in ${triage.ms} ms (${triage.value.summary.candidates} candidates)`;
      }
      return { name: 'warehouse', level: stale ? 'degraded' : 'ok', detail, ms };
    } finally {
      await warehouse.close();
    }
  } catch (err) {
    return { name: 'warehouse', level: 'down', detail: message(err) };
  }
}

interface PhaseHistory {
  readonly phase: string;
  readonly last_success: string | null;
  readonly last_failure: string | null;
  readonly last_error: string | null;
}

async function phaseHistory(state: StateDb): Promise<PhaseHistory[]> {
  const { RunStore } = await import('../phases/run-store.js');
  return new RunStore(state).phaseHistory();
}

/** Whether each scheduled job's latest slot has a succeeded run (grace: 2 h after the slot). */
async function missedRuns(config: EcmConfig, state: StateDb, now: Date): Promise<string[]> {
  const { lastScheduledSlot, runKeyFor } = await import('../schedule/index.js');
  const missed: string[] = [];
  // Slots before the first run ever are not "missed": the system was not installed yet.
  const { RunStore } = await import('../phases/run-store.js');
  const runs = new RunStore(state);
  const installed = await runs.firstStartedAt();
  if (!installed) return missed;
  for (const job of config.settings.schedule) {
    const slot = lastScheduledSlot(job, new Date(now.getTime() - 2 * 3_600_000));
    if (!slot || slot < installed) continue;
    const phases = job.command === 'daily' ? ['backlog', 'triage', 'patterns'] : [job.command];
    const keys = phases.map((p) => `${p}:${runKeyFor(job, slot)}`);
    const succeeded = await runs.succeededKeys(keys);
    if (keys.some((k) => !succeeded.has(k))) missed.push(`${job.name} at ${slot.toISOString()}`);
  }
  return missed;
}

/** The orders the latest backlog run quarantined (warehouse rows that failed validation), from its facts. */
async function lastQuarantined(state: StateDb): Promise<{ count: number; run_key: string } | null> {
  const { RunStore } = await import('../phases/run-store.js');
  const latest = await new RunStore(state).latestSucceededFacts('backlog');
  if (!latest) return null;
  const facts = latest.facts as { quarantined?: unknown[] } | null;
  return { count: Array.isArray(facts?.quarantined) ? facts.quarantined.length : 0, run_key: latest.runKey };
}

interface BudgetToday {
  readonly spent_usd: number;
  readonly budget_usd: number;
  readonly exhausted: boolean;
}

/** Today's LLM spend against the daily budget, the day as the budget counts it (llm.yaml budget.time_zone, IST by default). */
async function llmBudget(state: StateDb, config: EcmConfig, now: Date): Promise<BudgetToday | null> {
  try {
    const { loadLlmConfig, llmBudgetToday, managerDomainName } = await import('@ecm/agent');
    return await llmBudgetToday(state, loadLlmConfig(config.sharedDir), managerDomainName(config.sharedDir), now);
  } catch {
    return null; // the agent runtime has not created its log yet
  }
}

/**
 * The LLM: not configured, or configured; its day's budget spent makes it degraded (reports go out
 * without insights until the day ends). `test` also makes one authenticated call, so a dead endpoint
 * or a refused key is found before the 07:00 run.
 */
async function checkLlm(config: EcmConfig, budget: BudgetToday | null, active: boolean): Promise<Check> {
  const configured = process.env.ANTHROPIC_API_KEY?.trim() || process.env.ANTHROPIC_AUTH_TOKEN?.trim();
  if (!configured) return { name: 'llm', level: 'not_configured', detail: 'no ANTHROPIC_API_KEY: reports go out without analyst insights' };
  const via = process.env.ANTHROPIC_BASE_URL ? ` via ${process.env.ANTHROPIC_BASE_URL}` : '';
  const spend = budget ? `; $${budget.spent_usd.toFixed(4)} of the $${budget.budget_usd.toFixed(2)} daily budget spent` : '';
  if (budget?.exhausted) {
    return { name: 'llm', level: 'degraded', detail: `daily LLM budget of $${budget.budget_usd.toFixed(2)} spent ($${budget.spent_usd.toFixed(4)} today): reports go out without insights until the budget's day ends` };
  }
  if (!active) return { name: 'llm', level: 'ok', detail: `configured${via}${spend}` };
  try {
    const { loadLlmConfig, probeLlm } = await import('@ecm/agent');
    const probe = await probeLlm(loadLlmConfig(config.sharedDir));
    if (!probe.ok) return { name: 'llm', level: 'down', detail: `a one-token call${via} failed: ${probe.reason}` };
    return { name: 'llm', level: 'ok', detail: `a one-token call to ${probe.model}${via} answered${spend}`, ms: probe.ms };
  } catch (err) {
    return { name: 'llm', level: 'down', detail: message(err) };
  }
}

/** `health` (passive) and `test` (active): what on-call needs to know in one screen. */
export async function healthCommand(options: { json?: boolean; active?: boolean }): Promise<number> {
  const config = await loadValidConfig();
  const now = new Date();
  const checks: Check[] = [await checkWarehouse(config, now, Boolean(options.active))];
  let history: PhaseHistory[] = [];
  let missed: string[] = [];
  let budget: BudgetToday | null = null;
  let quarantined: { count: number; run_key: string } | null = null;

  let lock: { release(): Promise<void> } | null = null;
  try {
    if (!process.env.ECM_STATE_URL) lock = acquireFileLock(describeHolder(options.active ? 'test' : 'health'));
    const { value: state, ms } = await timed(() => openStateDb());
    try {
      if (options.active) await new (await import('../phases/run-store.js')).RunStore(state).countInTransaction();
      checks.push({ name: 'state store', level: 'ok', detail: state.label, ms });
      const tickets = await openTicketStore(state);
      if (tickets.kind === 'sheets') {
        if (tickets instanceof SheetsTicketStore) {
          const sheet = await checkSheet(tickets);
          checks.push({ name: 'sheet', level: sheet.ok ? 'ok' : 'down', detail: sheet.detail });
        }
      }
      const agents = await tickets.listAgents();
      const active = agents.filter((a) => a.active).length;
      checks.push({ name: 'ticket store', level: active > 0 ? 'ok' : 'degraded', detail: `${tickets.label}: ${active} active agents${active ? '' : ' (nothing can be assigned)'}` });
      history = await phaseHistory(state);
      missed = await missedRuns(config, state, now);
      budget = await llmBudget(state, config, now);
      quarantined = await lastQuarantined(state);
    } finally {
      await state.close();
    }
  } catch (err) {
    if (err instanceof RunLockedError) checks.push({ name: 'state store', level: 'ok', detail: `busy: ${err.holder}` });
    else checks.push({ name: 'state store', level: 'down', detail: message(err) });
  } finally {
    await lock?.release();
  }

  try {
    const sink = openSlackSink(process.env, { out: process.stderr });
    if (sink.kind === 'outbox') checks.push({ name: 'slack', level: 'not_configured', detail: 'no SLACK_BOT_TOKEN: reports go to the outbox under ECM_HOME/outbox' });
    else {
      const { value: auth, ms } = await timed(async () => (sink.authTest ? sink.authTest() : { ok: true }));
      checks.push({ name: 'slack', level: auth.ok ? 'ok' : 'down', detail: auth.ok ? `auth.test ok${'team' in auth && auth.team ? ` (${auth.team})` : ''}` : `auth.test failed: ${'error' in auth ? auth.error : ''}`, ms });
    }
  } catch (err) {
    checks.push({ name: 'slack', level: 'down', detail: message(err) });
  }
  checks.push(await checkLlm(config, budget, Boolean(options.active)));
  if (missed.length) checks.push({ name: 'schedule', level: 'degraded', detail: `missed: ${missed.join(', ')}` });
  else checks.push({ name: 'schedule', level: 'ok', detail: 'no scheduled run missed' });

  const down = checks.some((c) => c.level === 'down' && (c.name === 'warehouse' || c.name === 'state store'));
  const degraded = checks.some((c) => c.level === 'down' || c.level === 'degraded');
  const status = down ? 'down' : degraded ? 'degraded' : 'healthy';
  // Details quote driver errors and connection labels: no password leaves this command, no control character reaches the terminal.
  const shown = (text: string) => oneLine(maskSecrets(text));
  checks.forEach((c, i) => (checks[i] = { ...c, detail: shown(c.detail) }));
  history = history.map((h) => ({ ...h, last_error: h.last_error === null ? null : shown(h.last_error) }));
  missed = missed.map(shown);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ status, checked_at: now.toISOString(), checks, phases: history, missed_runs: missed, llm_spend_today_usd: budget?.spent_usd ?? null, llm_budget_usd: budget?.budget_usd ?? null, quarantined })}\n`);
  } else {
    const mark: Record<Level, string> = { ok: 'ok  ', degraded: 'WARN', down: 'DOWN', not_configured: '--  ' };
    for (const c of checks) process.stdout.write(`${mark[c.level]} ${c.name.padEnd(12)} ${c.detail}${c.ms !== undefined ? ` [${c.ms} ms]` : ''}\n`);
    for (const h of history) {
      process.stdout.write(`     ${h.phase.padEnd(12)} last success ${h.last_success ?? 'never'}; last failure ${h.last_failure ?? 'never'}${h.last_error ? ` (${h.last_error.slice(0, 80)})` : ''}\n`);
    }
    if (budget) process.stdout.write(`     LLM spend today: $${budget.spent_usd.toFixed(4)} of $${budget.budget_usd.toFixed(2)}\n`);
    if (quarantined) process.stdout.write(`     quarantined orders in the last backlog run: ${quarantined.count} (${quarantined.run_key})\n`);
    process.stdout.write(`${status}\n`);
  }
  return down ? 2 : degraded ? 1 : EXIT.ok;
}
