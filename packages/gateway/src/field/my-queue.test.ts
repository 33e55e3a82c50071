import { defaultSharedDir, loadConfig, type Ticket } from '@ecm/core/domain';
import type { OrderStatus } from '@ecm/core/warehouse';
import { describe, expect, it } from 'vitest';
import { buildQueue, reasonsStuckWhileCompleted, startOfDay, todayStats } from './my-queue.js';

const config = loadConfig(defaultSharedDir());
const assignedAt = '2026-02-17T01:30:00.000Z';
const now = new Date('2026-02-17T03:00:00Z'); // 90 minutes after assignment

function ticket(order_id: string, priority: Ticket['priority'], diagnosis: string, extra: Partial<Ticket> = {}): Ticket {
  return {
    order_id,
    agent_email: 'asha.ops@example.com',
    assigned_at: assignedAt,
    status: 'OPEN',
    priority,
    currency: 'AED',
    amount: 1000,
    hours_stuck: 20,
    diagnosis,
    notes: `action for ${order_id}`,
    updated_at: assignedAt,
    ...extra,
  };
}
const live = (entries: [string, string][]) =>
  new Map<string, OrderStatus>(entries.map(([id, status]) => [id, { order_id: id, status, sub_state: 'X' }]));

describe('buildQueue', () => {
  it('sorts by priority, then by SLA time left', () => {
    const q = buildQueue(
      config,
      [
        ticket('A', 'P3', 'refund_pending'),
        ticket('B', 'P2', 'stuck_at_lulu'),
        ticket('C', 'P2', 'status_sync_issue'),
        ticket('D', 'P1', 'stuck_at_lulu'),
      ],
      live([
        ['A', 'FAILED'],
        ['B', 'PENDING'],
        ['C', 'PROCESSING_DEAL_IN'],
        ['D', 'PENDING'],
      ]),
      now,
    );
    expect(q.map((e) => e.order_id)).toEqual(['D', 'C', 'B', 'A']);
    // status_sync_issue: 1 h SLA, 90 min in → breached by 30 min.
    expect(q[1]!.sla).toEqual({ target_minutes: 60, elapsed_minutes: 90, remaining_minutes: -30, band: 'BREACHED' });
    expect(q[1]!.next_action).toMatch(/SLA breached: escalate if blocked/);
    expect(q[0]!.order_hours).toBe(21.5);
  });

  it('flags orders that completed since assignment, unless COMPLETED is the symptom', () => {
    expect(reasonsStuckWhileCompleted(config)).toEqual(new Set(['falcon_failed_order_completed_issue']));
    const q = buildQueue(
      config,
      [ticket('A', 'P2', 'stuck_at_lulu'), ticket('B', 'P2', 'falcon_failed_order_completed_issue')],
      live([
        ['A', 'COMPLETED'],
        ['B', 'COMPLETED'],
      ]),
      now,
    );
    const a = q.find((e) => e.order_id === 'A')!;
    const b = q.find((e) => e.order_id === 'B')!;
    expect(a.completed).toBe(true);
    expect(a.next_action).toBe('completed — resolve it: ecm-field resolve A --notes "…"');
    expect(b.completed).toBe(false);
    expect(b.next_action).toBe('action for B');
  });

  it('tells a missing order apart from a warehouse that could not be asked', () => {
    expect(buildQueue(config, [ticket('A', 'P2', 'stuck_at_lulu')], new Map(), now)[0]!.next_action).toMatch(
      /no such order in the warehouse/,
    );
    const unknown = buildQueue(config, [ticket('A', 'P2', 'stuck_at_lulu')], null, now)[0]!;
    expect(unknown.live).toBeNull();
    expect(unknown.next_action).toBe('action for A');
  });
});

describe('today', () => {
  it('starts at midnight in the reports time zone', () => {
    expect(startOfDay(new Date('2026-02-17T03:00:00Z'), 'Asia/Kolkata').toISOString()).toBe('2026-02-16T18:30:00.000Z');
    expect(startOfDay(new Date('2026-02-16T18:29:00Z'), 'Asia/Kolkata').toISOString()).toBe('2026-02-15T18:30:00.000Z');
  });

  it("counts the agent's own resolutions, apart from self-healed ones", () => {
    const since = new Date('2026-02-16T18:30:00Z');
    const r = (
      agent: string,
      minutes: number,
      sla: 'MET' | 'MISSED',
      type: 'AGENT_RESOLVED' | 'SELF_HEALED' = 'AGENT_RESOLVED',
      at = '2026-02-17T02:00:00Z',
    ) => ({
      resolved_at: at,
      order_id: 'X',
      agent_email: agent,
      notes: '',
      assigned_at: assignedAt,
      resolution_minutes: minutes,
      sla_target_minutes: 60,
      sla_status: sla,
      stuck_reason: 'stuck_at_lulu',
      amount: 1,
      currency: 'AED',
      diagnosis_match: 'CORRECT' as const,
      action_followed: 'YES' as const,
      resolution_type: type,
    });
    const stats = todayStats(
      'a@example.com',
      [
        r('a@example.com', 30, 'MET'),
        r('a@example.com', 90, 'MISSED'),
        r('a@example.com', 5, 'MET', 'SELF_HEALED'),
        r('b@example.com', 10, 'MET'),
        r('a@example.com', 10, 'MET', 'AGENT_RESOLVED', '2026-02-16T10:00:00Z'),
      ],
      [],
      since,
    );
    expect(stats).toEqual({ since: since.toISOString(), resolved: 2, avg_minutes: 60, sla_met_pct: 50, self_healed: 1, escalated: 0 });
  });
});
