import { describe, expect, it } from 'vitest';
import { escalationRow, slaOutcome } from './ticket-rows.js';
import type { Ticket } from './ticket-store.js';

const assigned = new Date('2026-02-17T01:30:00Z');
const after = (minutes: number) => new Date(assigned.getTime() + minutes * 60_000);

describe('slaOutcome', () => {
  it('counts from assignment and meets the SLA up to the minute', () => {
    expect(slaOutcome(assigned, 1, after(60))).toEqual({ resolution_minutes: 60, sla_target_minutes: 60, sla_status: 'MET' });
    expect(slaOutcome(assigned, 1, after(61)).sla_status).toBe('MISSED');
  });
});

describe('escalationRow', () => {
  it('ages the order by the time since assignment', () => {
    const ticket: Ticket = {
      order_id: 'ORD-1',
      agent_email: 'asha.ops@example.com',
      assigned_at: assigned.toISOString(),
      status: 'OPEN',
      priority: 'P1',
      currency: 'GBP',
      amount: 838.21,
      hours_stuck: 40,
      diagnosis: 'refund_pending',
      notes: 'n',
      updated_at: assigned.toISOString(),
    };
    const row = escalationRow(ticket, { by: 'asha.ops@example.com', reason: 'no refund', orderStatus: 'FAILED', at: after(90) });
    expect(row).toMatchObject({
      stuck_hours: 41.5,
      order_status: 'FAILED',
      assigned_to: 'asha.ops@example.com',
      priority: 'P1',
      resolved_at: null,
    });
  });
});
