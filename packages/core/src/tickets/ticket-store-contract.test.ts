import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAssignments, ticketFor } from '../assignment/assign-orders.js';
import { defaultSharedDir, loadConfig } from '../config/load-config.js';
import { seededWarehouse } from '../demo/__fixtures__/demo-templates.js';
import { clusterOrders } from '../patterns/cluster-orders.js';
import { patternRowOf } from '../patterns/pattern-row.js';
import { localDate } from '../reports/report-time.js';
import pg from 'pg';
import { openStateDb, type StateDb } from '../state/state-db.js';
import { runTriage, type TriageResult } from '../triage/run-triage.js';
import { parseAgentsCsv } from './agents-csv.js';
import { LocalTicketStore } from './local-ticket-store.js';
import { startFakeSheets, type FakeSheets } from './sheets/__fixtures__/fake-sheets-api.js';
import { initSheets } from './sheets/init-sheets.js';
import { openSheetsTicketStore } from './sheets/open-sheets-ticket-store.js';
import { createChannel } from './sheets/write-queue.js';
import { TicketRuleError, type DailyStatsRow, type PatternRow, type Ticket, type TicketStore } from './ticket-store.js';

/**
 * The contract every TicketStore keeps: the same triage scenario, as the same sequence of calls, on the
 * local backend (state DB in in-memory PGlite) and on the Sheets backend (the real @googleapis/sheets
 * client against a local Sheets v4 stand-in) gives identical results.
 */

const sharedDir = defaultSharedDir();
const config = loadConfig(sharedDir);
const asOf = new Date('2026-02-17T01:30:00.000Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(asOf.getTime() + minutes * MINUTE);

interface Backend {
  readonly store: TicketStore;
  /** Daily Stats as stored (the interface only writes them). */
  dailyStats(): Promise<DailyStatsRow[]>;
  close(): Promise<void>;
}

async function localBackend(state?: StateDb): Promise<Backend> {
  const db = state ?? (await openStateDb({ inMemory: true, env: {} }));
  return {
    store: new LocalTicketStore(db),
    dailyStats: async () =>
      (await db.query('SELECT * FROM daily_stats ORDER BY date, agent_email')).map((r) => ({
        date: String(r.date),
        agent_email: String(r.agent_email),
        resolved: Number(r.resolved),
        avg_minutes: Number(r.avg_minutes),
        sla_met_pct: Number(r.sla_met_pct),
        escalated: Number(r.escalated),
      })),
    close: () => db.close(),
  };
}

/** The local backend on a real PostgreSQL server (ECM_TEST_PG_URL), in a schema of its own. */
async function postgresBackend(): Promise<Backend> {
  const url = process.env.ECM_TEST_PG_URL!;
  const schema = `contract_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const separator = url.includes('?') ? '&' : '?';
  const db = await openStateDb({ env: { ECM_STATE_URL: `${url}${separator}options=-c%20search_path%3D${schema}` } });
  const local = await localBackend(db);
  return {
    ...local,
    close: async () => {
      await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

let fake: FakeSheets | null = null;
async function sheetsBackend(): Promise<Backend> {
  fake = await startFakeSheets({ spreadsheetId: 'contract-sheet' });
  const store = await openSheetsTicketStore(
    { GOOGLE_SHEETS_SPREADSHEET_ID: fake.spreadsheetId, GOOGLE_OAUTH_ACCESS_TOKEN: 'test-token', ECM_SHEETS_API_URL: fake.url },
    {
      channel: createChannel(
        { readsPerMinute: 100_000, writesPerMinute: 100_000 },
        { now: () => Date.now(), sleep: async () => undefined },
      ),
    },
  );
  await initSheets(store);
  const server = fake;
  return { store, dailyStats: () => store.listDailyStats(), close: () => server.close() };
}

/** What a call answered: its value, or the rule it broke. */
async function outcome<T>(call: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof TicketRuleError) return { error: err.code };
    throw err;
  }
}

/** The scenario: agents, a triage's assignments, a day of field work, a second triage, patterns and stats. */
async function runScenario(store: TicketStore, triage: TriageResult) {
  const out: Record<string, unknown> = {};
  const { agents, problems } = parseAgentsCsv(
    readFileSync(path.join(sharedDir, 'demo', 'agents.csv'), 'utf8'),
    config.settings.assignment.default_max_tickets,
  );
  expect(problems).toEqual([]);
  await store.upsertAgents(agents);
  const leaver = agents.find((a) => a.team === 'VDA_ops')!;
  out.deactivate = await store.setAgentActive(leaver.email.toUpperCase(), false);
  out.deactivateUnknown = await store.setAgentActive('nobody@example.com', false);
  await store.upsertAgents([{ ...agents[0]!, max_tickets: agents[0]!.max_tickets + 5, slack_handle: null }]);
  out.agents = await store.listAgents();

  // Triage 1: assign and write the tickets.
  const plan = planAssignments(config, triage.orders, await store.listAgents(), await store.listTickets());
  const tickets = plan.assignments.map((a) => ticketFor(a, asOf));
  out.create = await store.createTickets(tickets);
  out.createAgain = await store.createTickets([...tickets.slice(0, 3), ...tickets.slice(0, 1)]);
  out.tickets = await store.listTickets();

  // Field work on three tickets of one agent.
  const agent = tickets[0]!.agent_email;
  const [t1, t2, t3] = (await store.listTickets({ agentEmail: agent.toUpperCase() })).slice(0, 3) as [Ticket, Ticket, Ticket];
  const other = (out.agents as { email: string }[]).find((a) => a.email !== agent)!.email;
  out.start = await outcome(() => store.setTicketStatus(t1.order_id, agent, 'IN_PROGRESS', at(30)));
  out.startByOther = await outcome(() => store.setTicketStatus(t1.order_id, other, 'IN_PROGRESS', at(31)));
  out.startUnknown = await outcome(() => store.setTicketStatus('NO-SUCH-ORDER', agent, 'IN_PROGRESS', at(31)));
  out.getUnknown = await store.getTicket('NO-SUCH-ORDER');
  out.escalate = await outcome(() =>
    store.escalateTicket({
      escalated_at: at(45).toISOString(),
      order_id: t2.order_id,
      escalated_by: agent,
      reason: 'Partner dashboard shows no UTR after 48 h',
      order_status: 'PROCESSING_DEAL_IN',
      stuck_hours: t2.hours_stuck,
      amount: t2.amount,
      currency: t2.currency,
      priority: t2.priority,
      assigned_to: 'lead.ops@example.com',
      resolved_at: null,
      resolution_notes: null,
    }),
  );
  const resolution = (t: Ticket, minutes: number, extra: Partial<Parameters<TicketStore['resolveTicket']>[0]> = {}) => ({
    resolved_at: at(minutes).toISOString(),
    order_id: t.order_id,
    agent_email: t.agent_email,
    notes: 'Pushed the BRN to Lulu; order credited',
    assigned_at: t.assigned_at,
    resolution_minutes: minutes,
    sla_target_minutes: 240,
    sla_status: minutes <= 240 ? ('MET' as const) : ('MISSED' as const),
    stuck_reason: t.diagnosis,
    amount: t.amount,
    currency: t.currency,
    diagnosis_match: 'CORRECT' as const,
    action_followed: 'YES' as const,
    resolution_type: 'AGENT_RESOLVED' as const,
    ...extra,
  });
  out.resolveByOther = await outcome(() => store.resolveTicket(resolution(t2, 90, { agent_email: other })));
  out.resolve = await outcome(() =>
    store.resolveTicket(resolution(t2, 95, { resolution_type: 'ESCALATED_RESOLVED', diagnosis_match: 'PARTIAL' })),
  );
  out.resolveAgain = await outcome(() => store.resolveTicket(resolution(t2, 96)));
  out.selfHealed = await outcome(() =>
    store.resolveTicket(
      resolution(t3, 300, {
        agent_email: 'ecm-manager@example.com',
        resolution_type: 'SELF_HEALED',
        notes: 'Order completed in the warehouse; closed automatically (self-healed).',
      }),
      { byAutomation: true },
    ),
  );
  out.startResolved = await outcome(() => store.setTicketStatus(t3.order_id, agent, 'IN_PROGRESS', at(301)));
  const [firstEscalation] = await store.listEscalations(asOf);
  out.escalateResolved = await outcome(() =>
    store.escalateTicket({ ...firstEscalation!, escalated_at: at(302).toISOString(), order_id: t3.order_id }),
  );
  out.resolutions = await store.listResolutions(asOf);
  out.resolutionsLater = await store.listResolutions(at(200));
  out.escalations = await store.listEscalations(asOf);

  // The ops lead moves tickets: to an active agent of the roster only; recorded with who, when and why.
  const [t4, t5] = (await store.listTickets({ agentEmail: agent, statuses: ['OPEN'] })).slice(0, 2) as [Ticket, Ticket];
  const move = (t: Ticket, to: string, minutes: number) => () =>
    store.reassignTicket({
      at: at(minutes).toISOString(),
      order_id: t.order_id,
      action: 'REASSIGNED',
      from_agent: t.agent_email,
      to_agent: to,
      by: 'lead.ops@example.com',
      reason: 'Agent on leave',
    });
  out.reassignTo = other;
  out.reassign = await outcome(move(t4, other.toUpperCase(), 120));
  out.reassignStale = await outcome(move(t4, agent, 121));
  out.reassignInactive = await outcome(move(t5, leaver.email, 122));
  out.reassignUnknown = await outcome(move(t5, 'nobody@example.com', 123));
  out.reassignResolved = await outcome(move({ ...t2, agent_email: agent }, other, 124));
  out.reopenByOther = await outcome(() => store.reopenTicket(t2.order_id, other, at(130), 'Customer says not credited'));
  out.reopenOpen = await outcome(() => store.reopenTicket(t5.order_id, agent, at(131), 'Customer says not credited'));
  out.reopen = await outcome(() => store.reopenTicket(t2.order_id, agent, at(132), 'Customer says not credited'));
  out.startReopened = await outcome(() => store.setTicketStatus(t2.order_id, agent, 'IN_PROGRESS', at(133)));
  out.resolveReopened = await outcome(() => store.resolveTicket({ ...resolution(t2, 140), assigned_at: at(132).toISOString() }));
  out.history = await store.listTicketHistory();
  out.historyOfOne = await store.listTicketHistory(t4.order_id);

  // Triage 2: nothing already open is assigned again.
  const replan = planAssignments(config, triage.orders, await store.listAgents(), await store.listTickets());
  out.replan = {
    assignments: replan.assignments.length,
    already_open: replan.already_open,
    resolved_still_stuck: replan.resolved_still_stuck,
  };
  out.createReplan = await store.createTickets(replan.assignments.map((a) => ticketFor(a, at(360))));
  out.open = await store.listTickets({ statuses: ['OPEN', 'IN_PROGRESS', 'ESCALATED'] });
  out.some = await store.listTickets({ orderIds: [t1.order_id, t2.order_id, 'NO-SUCH-ORDER'], statuses: ['IN_PROGRESS', 'RESOLVED'] });

  // Patterns and daily stats: written, then rewritten by a later run of the same day.
  const date = localDate(asOf, config.settings.reports.time_zone);
  const patterns: PatternRow[] = clusterOrders(config, triage.orders).map((c, i) =>
    patternRowOf(
      c,
      date,
      'baseline',
      // Text that a sheet would take for a formula: it must stay text.
      i === 0 ? '=HYPERLINK("https://runbooks.example.com/brn", "runbook")' : 'Follow the runbook',
    ),
  );
  await store.appendPatterns(patterns);
  await store.appendPatterns([
    { ...patterns[0]!, order_count: patterns[0]!.order_count + 1, delta: 'UP +1' },
    { ...patterns[0]!, date: '2026-02-16', delta: 'baseline' },
  ]);
  out.patternsToday = await store.listPatterns(date);
  out.patternsAll = await store.listPatterns();
  const stats: DailyStatsRow[] = [
    { date, agent_email: agent, resolved: 2, avg_minutes: 197.5, sla_met_pct: 50, escalated: 1 },
    { date, agent_email: other, resolved: 0, avg_minutes: 0, sla_met_pct: 0, escalated: 0 },
  ];
  await store.writeDailyStats(stats);
  await store.writeDailyStats([{ ...stats[1]!, resolved: 1, avg_minutes: 12.25, sla_met_pct: 100 }]);
  out.finalTickets = await store.listTickets();
  return out;
}

const BACKENDS: [string, () => Promise<Backend>][] = [
  ['local', () => localBackend()],
  ...(process.env.ECM_TEST_PG_URL ? [['local on PostgreSQL', postgresBackend] as [string, () => Promise<Backend>]] : []),
  ['sheets', sheetsBackend],
];

let triage: TriageResult;
const results = new Map<string, Record<string, unknown>>();
const stats = new Map<string, DailyStatsRow[]>();

beforeAll(async () => {
  const warehouse = await seededWarehouse({ seed: 11, orders: 4_000, asOf, stuckScale: 3 }, 'contract warehouse');
  try {
    triage = await runTriage(warehouse, config, { asOf });
  } finally {
    await warehouse.close();
  }
  for (const [name, open] of BACKENDS) {
    const backend = await open();
    try {
      results.set(name, await runScenario(backend.store, triage));
      stats.set(name, await backend.dailyStats());
    } finally {
      await backend.close();
    }
  }
});

afterAll(async () => {
  await fake?.close().catch(() => undefined);
});

describe.each(BACKENDS.map(([name]) => name))('TicketStore contract: %s backend', (name) => {
  const r = () => results.get(name)!;

  it('keeps agents by e-mail: updates in place, deactivates, reports unknown agents', () => {
    const agents = r().agents as { email: string; active: boolean; role: string; slack_handle: string | null }[];
    expect(agents).toHaveLength(12);
    expect(agents.filter((a) => !a.active).map((a) => a.email)).toEqual(
      ['eli.ops@example.com', 'ivan.vda@example.com'].sort(
        (x, y) => agents.findIndex((a) => a.email === x) - agents.findIndex((a) => a.email === y),
      ),
    );
    expect(r().deactivate).toBe(true);
    expect(r().deactivateUnknown).toBe(false);
    expect(agents.filter((a) => a.role === 'supervisor').length).toBeGreaterThan(0);
    expect(agents.filter((a) => a.slack_handle === null)).toHaveLength(1);
  });

  it('writes every assignment once and skips orders that already have a ticket', () => {
    const create = r().create as { created: string[]; skipped: string[] };
    expect(create.created.length).toBeGreaterThan(20);
    expect(create.skipped).toEqual([]);
    expect(r().createAgain).toEqual({ created: [], skipped: create.created.slice(0, 3).concat(create.created.slice(0, 1)) });
    const tickets = r().finalTickets as Ticket[];
    expect(new Set(tickets.map((t) => t.order_id)).size).toBe(tickets.length);
    expect(r().createReplan).toEqual({ created: [], skipped: [] });
  });

  it('enforces the ticket rules', () => {
    expect(r().startByOther).toEqual({ error: 'not_assignee' });
    expect(r().startUnknown).toEqual({ error: 'not_found' });
    expect(r().getUnknown).toBeNull();
    expect(r().resolveByOther).toEqual({ error: 'not_assignee' });
    expect(r().resolveAgain).toEqual({ error: 'already_closed' });
    expect(r().startResolved).toEqual({ error: 'already_closed' });
    expect(r().escalateResolved).toEqual({ error: 'already_closed' });
  });

  it('records escalations and resolutions, closing the escalation with the resolution', () => {
    expect((r().start as Ticket).status).toBe('IN_PROGRESS');
    expect((r().escalate as Ticket).status).toBe('ESCALATED');
    expect((r().resolve as Ticket).status).toBe('RESOLVED');
    expect((r().selfHealed as Ticket).status).toBe('RESOLVED');
    const resolutions = r().resolutions as { resolution_type: string }[];
    expect(resolutions.map((x) => x.resolution_type)).toEqual(['ESCALATED_RESOLVED', 'SELF_HEALED']);
    expect(r().resolutionsLater).toHaveLength(1);
    const [escalation] = r().escalations as { resolved_at: string | null; resolution_notes: string | null }[];
    expect(escalation).toMatchObject({ resolved_at: at(95).toISOString(), resolution_notes: 'Pushed the BRN to Lulu; order credited' });
  });

  it('reassigns and reopens with a history row, refusing unknown, inactive and stale changes', () => {
    expect(r().reassign).toMatchObject({ agent_email: r().reassignTo, status: 'OPEN' });
    expect(r().reassignStale).toEqual({ error: 'conflict' });
    expect(r().reassignInactive).toEqual({ error: 'inactive_agent' });
    expect(r().reassignUnknown).toEqual({ error: 'unknown_agent' });
    expect(r().reassignResolved).toEqual({ error: 'already_closed' });
    expect(r().reopenByOther).toEqual({ error: 'not_assignee' });
    expect(r().reopenOpen).toEqual({ error: 'conflict' });
    expect(r().reopen).toMatchObject({ status: 'OPEN', assigned_at: at(132).toISOString() });
    expect(r().startReopened).toMatchObject({ status: 'IN_PROGRESS' });
    expect(r().resolveReopened).toMatchObject({ status: 'RESOLVED' });
    const history = r().history as { action: string; by: string; reason: string; at: string }[];
    expect(history.map((h) => h.action)).toEqual(['REASSIGNED', 'REOPENED']);
    expect(history[0]).toMatchObject({ by: 'lead.ops@example.com', reason: 'Agent on leave', at: at(120).toISOString() });
    expect(r().historyOfOne).toEqual([history[0]]);
  });

  it('lets a second triage assign nothing already open', () => {
    const replan = r().replan as { assignments: number; already_open: number; resolved_still_stuck: string[] };
    const created = (r().create as { created: string[] }).created.length;
    expect(replan.assignments).toBe(0);
    expect(replan.already_open + replan.resolved_still_stuck.length).toBeGreaterThanOrEqual(created - 2);
    expect((r().open as Ticket[]).length).toBe(created - 2);
  });

  it('upserts pattern rows by date and pattern id and daily stats by date and agent', () => {
    const today = r().patternsToday as PatternRow[];
    const all = r().patternsAll as PatternRow[];
    expect(today.length).toBeGreaterThan(0);
    expect(all).toHaveLength(today.length + 1);
    expect(today.filter((p) => p.delta === 'UP +1')).toHaveLength(1);
    expect(today.some((p) => p.recommendation.startsWith('='))).toBe(true);
    const s = stats.get(name)!;
    expect(s).toHaveLength(2);
    expect(s.find((x) => x.resolved === 1)).toMatchObject({ avg_minutes: 12.25, sla_met_pct: 100 });
  });
});

describe('TicketStore contract: both backends', () => {
  it.each(BACKENDS.map(([name]) => name).filter((n) => n !== 'local'))(
    '%s gives the local backend’s result for every call of the scenario',
    (name) => {
      const local = results.get('local')!;
      const other = results.get(name)!;
      expect(Object.keys(other)).toEqual(Object.keys(local));
      for (const key of Object.keys(local)) expect({ [key]: other[key] }).toEqual({ [key]: local[key] });
      expect(stats.get(name)).toEqual(stats.get('local'));
    },
  );

  it('stored a formula-looking recommendation as text (RAW), not as a formula', () => {
    const appends = fake!.calls.filter((c) => c.method === 'values.append' || c.method === 'values.batchUpdate');
    expect(appends.length).toBeGreaterThan(0);
    for (const c of appends) {
      const option =
        c.method === 'values.append' ? c.query.get('valueInputOption') : (c.body as { valueInputOption?: string }).valueInputOption;
      expect(option).toBe('RAW');
    }
    expect(fake!.calls.filter((c) => c.method === 'values.append').length).toBeGreaterThan(0);
    expect(fake!.calls.filter((c) => c.method === 'values.append').every((c) => c.query.get('insertDataOption') === 'INSERT_ROWS')).toBe(
      true,
    );
  });
});
