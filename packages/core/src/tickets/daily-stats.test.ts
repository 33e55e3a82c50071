import { describe, expect, it } from 'vitest';
import { defaultSharedDir, loadConfig } from '../config/load-config.js';
import { openStateDb } from '../state/state-db.js';
import { dailyStatsFor, refreshDailyStats } from './daily-stats.js';
import { LocalTicketStore } from './local-ticket-store.js';
import { escalationRow } from './ticket-rows.js';
import { ticketSlaOutcome } from './ticket-sla.js';
import type { Ticket } from './ticket-store.js';

const config = loadConfig(defaultSharedDir());
const ASHA = 'asha.ops@example.com';
const BILAL = 'bilal.ops@example.com';
// 07:00 IST on Feb 17 is 01:30 UTC; 23:00 UTC on Feb 16 is already Feb 17 in IST.
const T = new Date('2026-02-17T01:30:00Z');

const ticket = (order: string, agent: string, assignedAt: string, diagnosis = 'refund_pending'): Ticket => ({
  order_id: order,
  agent_email: agent,
  assigned_at: assignedAt,
  status: 'OPEN',
  priority: 'P2',
  currency: 'AED',
  amount: 500,
  hours_stuck: 20,
  diagnosis,
  notes: 'n',
  updated_at: assignedAt,
});

describe('Daily Stats (§9)', () => {
  it("counts each agent's own resolutions, SLA met and escalations on the day, in the reports' time zone", async () => {
    const state = await openStateDb({ inMemory: true, env: {} });
    try {
      const store = new LocalTicketStore(state);
      await store.createTickets([
        ticket('ORD-1', ASHA, '2026-02-16T22:00:00Z'),
        ticket('ORD-2', ASHA, '2026-02-16T22:00:00Z'),
        ticket('ORD-3', ASHA, '2026-02-16T22:00:00Z'),
        ticket('ORD-4', BILAL, '2026-02-17T01:30:00Z'),
      ]);
      const resolve = async (order: string, at: string, type: 'AGENT_RESOLVED' | 'SELF_HEALED' = 'AGENT_RESOLVED') => {
        const t = (await store.getTicket(order))!;
        await store.resolveTicket(
          {
            resolved_at: at,
            order_id: order,
            agent_email: t.agent_email,
            notes: 'done',
            assigned_at: t.assigned_at,
            ...ticketSlaOutcome(config, t, new Date(at)),
            stuck_reason: t.diagnosis,
            amount: t.amount,
            currency: t.currency,
            diagnosis_match: 'CORRECT',
            action_followed: 'YES',
            resolution_type: type,
          },
          { byAutomation: type === 'SELF_HEALED' },
        );
      };
      await resolve('ORD-1', '2026-02-16T23:00:00Z'); // 60 min, refund_pending SLA 2 h: MET
      await resolve('ORD-2', '2026-02-17T01:00:00Z'); // 180 min: MISSED
      await resolve('ORD-3', '2026-02-17T01:10:00Z', 'SELF_HEALED'); // not an agent's work
      await store.escalateTicket(
        escalationRow((await store.getTicket('ORD-4'))!, { by: BILAL, reason: 'partner silent', orderStatus: 'PROCESSING', at: T }),
      );

      expect(await dailyStatsFor(config, store, '2026-02-17')).toEqual([
        { date: '2026-02-17', agent_email: ASHA, resolved: 2, avg_minutes: 120, sla_met_pct: 50, escalated: 0 },
        { date: '2026-02-17', agent_email: BILAL, resolved: 0, avg_minutes: 0, sla_met_pct: 0, escalated: 1 },
      ]);
      expect(await dailyStatsFor(config, store, '2026-02-16')).toEqual([]);
      await refreshDailyStats(config, store, T);
      await refreshDailyStats(config, store, T); // rewriting the day changes nothing
      const rows = await state.query('SELECT agent_email, resolved, sla_met_pct, escalated FROM daily_stats ORDER BY agent_email');
      expect(rows.map((r) => [r.agent_email, Number(r.resolved), Number(r.sla_met_pct), Number(r.escalated)])).toEqual([
        [ASHA, 2, 50, 0],
        [BILAL, 0, 0, 1],
      ]);
    } finally {
      await state.close();
    }
  }, 180_000);
});
