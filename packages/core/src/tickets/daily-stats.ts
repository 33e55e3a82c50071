import type { EcmConfig } from '../config/load-config.js';
import { localDate } from '../reports/report-time.js';
import type { DailyStatsRow, TicketStore } from './ticket-store.js';

const DAY_MS = 86_400_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * §9 Daily Stats for one day (YYYY-MM-DD in the reports' time zone), one row per agent who was
 * assigned, resolved or escalated a ticket that day. Resolved, Avg Time and SLA Met % count the
 * agent's own resolutions: tickets that closed themselves (SELF_HEALED) are not an agent's work.
 * Escalated counts escalations of tickets assigned to the agent. Computed from the stored rows,
 * so writing it again gives the same rows (the store upserts by date and agent).
 */
export async function dailyStatsFor(config: EcmConfig, tickets: TicketStore, date: string): Promise<DailyStatsRow[]> {
  const tz = config.settings.reports.time_zone;
  const onDate = (iso: string) => localDate(new Date(iso), tz) === date;
  // Two days back covers every time zone's start of `date`.
  const since = new Date(Date.parse(`${date}T00:00:00Z`) - 2 * DAY_MS);
  const [resolutions, escalations, assigned] = await Promise.all([
    tickets.listResolutions(since),
    tickets.listEscalations(since),
    tickets.listTickets(),
  ]);
  const agents = new Set<string>();
  for (const t of assigned) if (onDate(t.assigned_at)) agents.add(t.agent_email);
  const byAgent = new Map<string, { minutes: number[]; met: number }>();
  for (const r of resolutions) {
    if (!onDate(r.resolved_at) || r.resolution_type === 'SELF_HEALED') continue;
    agents.add(r.agent_email);
    const entry = byAgent.get(r.agent_email) ?? { minutes: [], met: 0 };
    entry.minutes.push(r.resolution_minutes);
    if (r.sla_status === 'MET') entry.met += 1;
    byAgent.set(r.agent_email, entry);
  }
  const escalated = new Map<string, number>();
  for (const e of escalations) {
    if (!onDate(e.escalated_at)) continue;
    agents.add(e.assigned_to);
    escalated.set(e.assigned_to, (escalated.get(e.assigned_to) ?? 0) + 1);
  }
  return [...agents].sort().map((agent) => {
    const r = byAgent.get(agent);
    const resolved = r?.minutes.length ?? 0;
    return {
      date,
      agent_email: agent,
      resolved,
      avg_minutes: resolved ? round1(r!.minutes.reduce((a, b) => a + b, 0) / resolved) : 0,
      sla_met_pct: resolved ? round1((r!.met / resolved) * 100) : 0,
      escalated: escalated.get(agent) ?? 0,
    };
  });
}

/** Rewrites the Daily Stats rows of the day `at` falls on; every command that changes tickets calls it. */
export async function refreshDailyStats(config: EcmConfig, tickets: TicketStore, at: Date): Promise<DailyStatsRow[]> {
  const rows = await dailyStatsFor(config, tickets, localDate(at, config.settings.reports.time_zone));
  if (rows.length) await tickets.writeDailyStats(rows);
  return rows;
}
