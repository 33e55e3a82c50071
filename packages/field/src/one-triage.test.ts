import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  defaultSharedDir,
  learningAt,
  loadConfig,
  runTriage,
  slaHoursFor,
  ticketSlaOutcome,
  type Ticket,
  type TicketStore,
  type TriagedOrder,
} from '@ecm/core/domain';
import { openStateDb, openTicketStore, type StateDb } from '@ecm/core/stores';
import { openWarehouse } from '@ecm/core/warehouse';
import { connectInProcess } from '@ecm/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, DEMO_AS_OF, FIELD_BIN, MANAGER_BIN, runNode } from './__fixtures__/run-cli.js';

const config = loadConfig(defaultSharedDir());
const T = new Date(DEMO_AS_OF);
const MIN = 60_000;
let home: string;
let env: NodeJS.ProcessEnv;

async function withStore<R>(fn: (tickets: TicketStore, state: StateDb) => Promise<R>): Promise<R> {
  const state = await openStateDb({ env });
  try {
    return await fn(await openTicketStore(state, env), state);
  } finally {
    await state.close();
  }
}

/** The gateway in this process, as Claude Code or a chat session sees it, acting for `agent` at T. */
async function withGateway<R>(
  agent: string,
  fn: (call: (name: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>) => Promise<R>,
): Promise<R> {
  return withStore(async (tickets) => {
    const warehouse = await openWarehouse({ sharedDir: config.sharedDir, env });
    const gateway = await connectInProcess({ config, warehouse, tickets, agentEmail: agent, asOf: () => T, now: () => T, env });
    try {
      return await fn(async (name, args) => {
        const r = await gateway.client.callTool({ name, arguments: args });
        const text = ((r.content ?? []) as { text?: string }[]).map((c) => c.text ?? '').join('\n');
        if (r.isError) throw new Error(`${name}: ${text}`);
        return r.structuredContent as Record<string, unknown>;
      });
    } finally {
      await gateway.close();
      await warehouse.close();
    }
  });
}

const historyTicket = (n: number, agent: string, reason: string): Ticket => ({
  order_id: `ORD-HIST-${n}`,
  agent_email: agent,
  assigned_at: new Date(T.getTime() - 5 * 60 * MIN).toISOString(),
  status: 'OPEN',
  priority: 'P3',
  currency: 'AED',
  amount: 100,
  hours_stuck: 20,
  diagnosis: reason,
  notes: 'history',
  updated_at: new Date(T.getTime() - 5 * 60 * MIN).toISOString(),
});

let reason: string;
let agent: string;
let unlearned: Map<string, TriagedOrder>;
let learned: Map<string, TriagedOrder>;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-one-triage-'));
  env = cliEnv(home);
  const seeded = await runNode(MANAGER_BIN, ['demo', 'seed', '--orders', '6000', '--seed', '11', '--as-of', DEMO_AS_OF], env);
  expect(seeded.code, seeded.stderr).toBe(0);

  // The reason with the most actionable orders; its resolutions say "closed in minutes" (§13 fast multiplier).
  const warehouse = await openWarehouse({ sharedDir: config.sharedDir, env });
  const base = await runTriage(warehouse, config, { asOf: T });
  const counts = new Map<string, number>();
  for (const o of base.orders.filter((o) => o.actionable)) counts.set(o.stuck_reason, (counts.get(o.stuck_reason) ?? 0) + 1);
  reason = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  unlearned = new Map(base.orders.map((o) => [o.order_id, o]));

  await withStore(async (tickets) => {
    agent = (await tickets.listAgents())[0]!.email;
    const history = Array.from({ length: config.settings.learning.min_resolutions }, (_, i) => historyTicket(i + 1, agent, reason));
    await tickets.createTickets(history);
    for (const t of history) {
      const resolvedAt = new Date(new Date(t.assigned_at).getTime() + 2 * MIN);
      await tickets.resolveTicket({
        resolved_at: resolvedAt.toISOString(),
        order_id: t.order_id,
        agent_email: agent,
        notes: 'closed at once',
        assigned_at: t.assigned_at,
        ...ticketSlaOutcome(config, t, resolvedAt),
        stuck_reason: reason,
        amount: t.amount,
        currency: t.currency,
        diagnosis_match: 'WRONG',
        action_followed: 'IGNORED',
        resolution_type: 'FALSE_POSITIVE',
      });
    }
    const learning = (await learningAt(config, tickets, T)).find((l) => l.stuck_reason === reason);
    expect(learning?.multiplier).toBe(config.settings.learning.fast_multiplier);
    const after = await runTriage(warehouse, config, { asOf: T, multipliers: { [reason]: learning!.multiplier } });
    learned = new Map(after.orders.map((o) => [o.order_id, o]));
  });
  await warehouse.close();

  // The manager's triage at T writes the tickets (and their priorities) after learning moved the multiplier.
  const triage = await runNode(MANAGER_BIN, ['triage', '--as-of', DEMO_AS_OF], env);
  expect(triage.code, triage.stderr).toBe(0);
}, 300_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('one triage: manager, gateway and field agree after learning moves a multiplier', () => {
  it('ticket priority = ecm_order_details = ecm_stuck_orders = ecm-field order, all with the learned score', async () => {
    const tickets = await withStore((store) => store.listTickets({ statuses: ['OPEN'] }));
    const ofReason = tickets.filter((t) => t.diagnosis === reason && !t.order_id.startsWith('ORD-HIST'));
    expect(ofReason.length).toBeGreaterThan(0);
    // The learning matters: the scores of this reason differ from an unlearned triage, and so would some priorities.
    const moved = ofReason.filter((t) => unlearned.get(t.order_id)!.score !== learned.get(t.order_id)!.score);
    expect(moved.length).toBe(ofReason.length);
    const sample = ofReason.slice(0, 3);

    const fromGateway = await withGateway(agent, async (call) => {
      const stuck = (await call('ecm_stuck_orders', { reason, scope: 'all', limit: 500 })).orders as {
        order_id: string;
        score: number;
        priority: string;
      }[];
      const out: { order_id: string; score: number; priority: string; listed?: { score: number; priority: string } }[] = [];
      for (const t of sample) {
        const d = (await call('ecm_order_details', { order_id: t.order_id })).diagnosis as { score: number; priority: string };
        out.push({ order_id: t.order_id, score: d.score, priority: d.priority, listed: stuck.find((o) => o.order_id === t.order_id) });
      }
      return out;
    });

    for (const [i, t] of sample.entries()) {
      const expected = learned.get(t.order_id)!;
      const g = fromGateway[i]!;
      expect(t.priority).toBe(expected.priority);
      expect({ score: g.score, priority: g.priority }).toEqual({ score: expected.score, priority: expected.priority });
      expect(g.listed).toMatchObject({ score: expected.score, priority: expected.priority });
      const field = await runNode(FIELD_BIN, ['order', t.order_id, '--agent', t.agent_email, '--as-of', DEMO_AS_OF, '--json'], env);
      expect(field.code, field.stderr).toBe(0);
      const d = (JSON.parse(field.stdout) as { order: { diagnosis: { score: number; priority: string } } }).order.diagnosis;
      expect({ score: d.score, priority: d.priority }).toEqual({ score: expected.score, priority: expected.priority });
    }
  }, 120_000);
});

describe('SLA hours: one rule for a reason the catalogue no longer has', () => {
  const retired = (n: number): Ticket => ({
    ...historyTicket(n, agent, 'retired_reason'),
    order_id: `ORD-RETIRED-${n}`,
    assigned_at: new Date(T.getTime() - 2 * 60 * MIN).toISOString(),
  });

  it('the gateway, the field and the core rule give the same hours; tickets_update and ecm-field resolve record MET and the Daily Stats', async () => {
    expect(slaHoursFor(config, 'retired_reason')).toBe(config.settings.assignment.default_sla_hours);
    await withStore((tickets) => tickets.createTickets([retired(1), retired(2)]));
    const hours = config.settings.assignment.default_sla_hours;

    const viaGateway = await withGateway(agent, async (call) => {
      const listed = (await call('tickets_list', { agent: 'me', order_ids: ['ORD-RETIRED-1', 'ORD-RETIRED-2'] })).tickets as {
        order_id: string;
        sla_hours: number;
      }[];
      const resolved = await call('tickets_update', {
        order_id: 'ORD-RETIRED-1',
        action: 'resolve',
        notes: 'refund confirmed with the partner',
        diagnosis_match: 'CORRECT',
        action_followed: 'YES',
        resolution_type: 'AGENT_RESOLVED',
      });
      return { listed, resolution: resolved.resolution as { sla_status: string; sla_target_minutes: number } };
    });
    expect(viaGateway.listed.map((t) => t.sla_hours)).toEqual([hours, hours]);
    expect(viaGateway.resolution).toMatchObject({ sla_status: 'MET', sla_target_minutes: hours * 60 });

    const statsRow = () =>
      withStore(
        async (_t, state) =>
          (
            await state.query('SELECT resolved, sla_met_pct FROM daily_stats WHERE date = $1 AND agent_email = $2', ['2026-02-17', agent])
          )[0],
      );
    const afterGateway = await statsRow();
    expect(Number(afterGateway?.resolved)).toBeGreaterThanOrEqual(1);

    const queue = await runNode(FIELD_BIN, ['my-tickets', '--agent', agent, '--as-of', DEMO_AS_OF, '--json'], env);
    expect(queue.code, queue.stderr).toBe(0);
    const entry = (JSON.parse(queue.stdout) as { tickets: { order_id: string; sla: { target_minutes: number } }[] }).tickets.find(
      (t) => t.order_id === 'ORD-RETIRED-2',
    );
    expect(entry?.sla.target_minutes).toBe(hours * 60);

    const resolve = await runNode(
      FIELD_BIN,
      ['resolve', 'ORD-RETIRED-2', '--agent', agent, '--as-of', DEMO_AS_OF, '--notes', 'payout re-sent', '--json'],
      env,
    );
    expect(resolve.code, resolve.stderr).toBe(0);
    expect((JSON.parse(resolve.stdout) as { resolution: { sla_status: string; sla_target_minutes: number } }).resolution).toMatchObject({
      sla_status: 'MET',
      sla_target_minutes: hours * 60,
    });
    const afterField = await statsRow();
    expect(Number(afterField?.resolved)).toBe(Number(afterGateway?.resolved) + 1);
  }, 120_000);
});
