import type { DailyStatsRow, Escalation, Resolution, Ticket } from '@ecm/core/domain';

const round2 = (n: number) => Math.round(n * 100) / 100;

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The Daily Stats rows per agent for one report day: tickets assigned, resolved, SLA met %, average and
 * median minutes to resolve, escalated. Every agent with anything that day gets a row, plus `agents`
 * (the active roster) with zeros, so a quiet day shows as a quiet day. Pure: `dayOf` maps a timestamp to
 * its report day.
 */
export function agentDailyStats(
  day: string,
  dayOf: (iso: string) => string,
  input: {
    readonly agents: readonly string[];
    readonly tickets: readonly Ticket[];
    readonly resolutions: readonly Resolution[];
    readonly escalations: readonly Escalation[];
  },
): DailyStatsRow[] {
  const emails = new Set(input.agents);
  const assigned = new Map<string, number>();
  for (const t of input.tickets) if (dayOf(t.assigned_at) === day) assigned.set(t.agent_email, (assigned.get(t.agent_email) ?? 0) + 1);
  const resolved = new Map<string, Resolution[]>();
  for (const r of input.resolutions)
    if (dayOf(r.resolved_at) === day) resolved.set(r.agent_email, [...(resolved.get(r.agent_email) ?? []), r]);
  const escalated = new Map<string, number>();
  for (const e of input.escalations)
    if (dayOf(e.escalated_at) === day) escalated.set(e.escalated_by, (escalated.get(e.escalated_by) ?? 0) + 1);
  for (const m of [assigned, resolved, escalated]) for (const email of m.keys()) emails.add(email);
  return [...emails].sort().map((email) => {
    const mine = resolved.get(email) ?? [];
    const minutes = mine.map((r) => r.resolution_minutes);
    return {
      date: day,
      agent_email: email,
      assigned: assigned.get(email) ?? 0,
      resolved: mine.length,
      avg_minutes: minutes.length ? round2(minutes.reduce((n, m) => n + m, 0) / minutes.length) : 0,
      median_minutes: round2(median(minutes)),
      sla_met_pct: mine.length ? round2((100 * mine.filter((r) => r.sla_status === 'MET').length) / mine.length) : 0,
      escalated: escalated.get(email) ?? 0,
    };
  });
}
