import type { Escalation, Resolution, Ticket } from '@ecm/core/domain';
import { describe, expect, it } from 'vitest';
import { agentDailyStats } from './agent-daily-stats.js';

const day = '2026-02-17';
const dayOf = (iso: string) => iso.slice(0, 10);
const ticket = (order_id: string, agent_email: string, assigned_at: string) => ({ order_id, agent_email, assigned_at }) as Ticket;
const resolution = (agent_email: string, resolved_at: string, minutes: number, sla: 'MET' | 'MISSED') =>
  ({ agent_email, resolved_at, resolution_minutes: minutes, sla_status: sla }) as Resolution;

describe('agentDailyStats', () => {
  it("counts per agent the day's assignments, resolutions (SLA met %, average and median minutes) and escalations", () => {
    const rows = agentDailyStats(day, dayOf, {
      agents: ['asha.ops@example.com', 'quiet.ops@example.com'],
      tickets: [
        ticket('O1', 'asha.ops@example.com', '2026-02-17T01:00:00Z'),
        ticket('O2', 'asha.ops@example.com', '2026-02-17T02:00:00Z'),
        ticket('O3', 'asha.ops@example.com', '2026-02-16T02:00:00Z'),
      ],
      resolutions: [
        resolution('asha.ops@example.com', '2026-02-17T03:00:00Z', 10, 'MET'),
        resolution('asha.ops@example.com', '2026-02-17T04:00:00Z', 30, 'MET'),
        resolution('asha.ops@example.com', '2026-02-17T05:00:00Z', 200, 'MISSED'),
        resolution('asha.ops@example.com', '2026-02-16T05:00:00Z', 999, 'MISSED'),
      ],
      escalations: [{ escalated_by: 'bilal.ops@example.com', escalated_at: '2026-02-17T06:00:00Z' } as Escalation],
    });
    expect(rows).toEqual([
      {
        date: day,
        agent_email: 'asha.ops@example.com',
        assigned: 2,
        resolved: 3,
        avg_minutes: 80,
        median_minutes: 30,
        sla_met_pct: 66.67,
        escalated: 0,
      },
      {
        date: day,
        agent_email: 'bilal.ops@example.com',
        assigned: 0,
        resolved: 0,
        avg_minutes: 0,
        median_minutes: 0,
        sla_met_pct: 0,
        escalated: 1,
      },
      {
        date: day,
        agent_email: 'quiet.ops@example.com',
        assigned: 0,
        resolved: 0,
        avg_minutes: 0,
        median_minutes: 0,
        sla_met_pct: 0,
        escalated: 0,
      },
    ]);
  });
});
