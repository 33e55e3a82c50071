import type { EcmConfig, Escalation, Priority, Resolution, Ticket, TicketStatus } from '@ecm/core/domain';
import type { OrderStatus } from '@ecm/core/warehouse';
import { HOUR_MS, priorityRank, slaClock, slaHoursFor, startOfDay, type SlaClock } from '@ecm/core/domain';

/** One open ticket as the agent sees it: SLA clock, live order status and what to do next. */
export interface QueueEntry {
  readonly order_id: string;
  readonly priority: Priority;
  readonly status: TicketStatus;
  readonly stuck_reason: string;
  readonly currency: string;
  readonly amount: number;
  readonly assigned_at: string;
  /** Order age now: hours stuck at assignment plus the time since. */
  readonly order_hours: number;
  readonly sla: SlaClock;
  /** GOMS status now; null when the warehouse has no such order or could not be asked. */
  readonly live: { readonly status: string | null; readonly sub_state: string | null } | null;
  /** The order completed since assignment: resolve the ticket. */
  readonly completed: boolean;
  readonly next_action: string;
}

/**
 * Reasons whose classification requires GOMS status COMPLETED (e.g. COMPLETED while Falcon FAILED):
 * for those, COMPLETED is the symptom, not the fix.
 */
export function reasonsStuckWhileCompleted(config: EcmConfig): Set<string> {
  const c = config.classification;
  const rules = [...c.all_currencies, ...Object.values(c.groups).flat(), ...Object.values(c.currencies).flat()];
  const out = new Set<string>();
  for (const rule of rules) {
    if (!('reason' in rule)) continue;
    const status = (rule.when as Record<string, unknown>).status;
    if (status === 'COMPLETED' || (Array.isArray(status) && status.includes('COMPLETED'))) out.add(rule.reason);
  }
  return out;
}

function nextAction(t: Ticket, entry: Omit<QueueEntry, 'next_action'>, liveKnown: boolean): string {
  if (entry.completed) return `completed — resolve it: ecm-field resolve ${t.order_id} --notes "…"`;
  if (liveKnown && entry.live === null) return 'no such order in the warehouse — check the order id in the ops console';
  if (t.status === 'ESCALATED') return `escalated — follow up with the contact; when fixed: ecm-field resolve ${t.order_id} --notes "…"`;
  if (entry.sla.band === 'BREACHED')
    return `${t.notes} — SLA breached: escalate if blocked (ecm-field escalate ${t.order_id} --reason "…")`;
  return t.notes;
}

/**
 * Own open tickets, most urgent first: priority, then least SLA time left. `live` is the warehouse's
 * GOMS status per order, or null when the warehouse could not be asked.
 */
export function buildQueue(
  config: EcmConfig,
  tickets: readonly Ticket[],
  live: ReadonlyMap<string, OrderStatus> | null,
  now: Date,
): QueueEntry[] {
  const completedIsSymptom = reasonsStuckWhileCompleted(config);
  return tickets
    .map((t): QueueEntry => {
      const assigned = new Date(t.assigned_at);
      const status = live?.get(t.order_id);
      const base = {
        order_id: t.order_id,
        priority: t.priority,
        status: t.status,
        stuck_reason: t.diagnosis,
        currency: t.currency,
        amount: t.amount,
        assigned_at: t.assigned_at,
        order_hours: Math.round((t.hours_stuck + Math.max(0, now.getTime() - assigned.getTime()) / HOUR_MS) * 10) / 10,
        sla: slaClock(assigned, slaHoursFor(config, t.diagnosis), now),
        live: status ? { status: status.status, sub_state: status.sub_state } : null,
        completed: status?.status === 'COMPLETED' && !completedIsSymptom.has(t.diagnosis),
      };
      return { ...base, next_action: nextAction(t, base, live !== null) };
    })
    .sort(
      (a, b) =>
        priorityRank(a.priority) - priorityRank(b.priority) ||
        a.sla.remaining_minutes - b.sla.remaining_minutes ||
        a.order_id.localeCompare(b.order_id),
    );
}

export interface TodayStats {
  /** Start of "today" in the reports' time zone. */
  readonly since: string;
  /** Resolved by the agent (not counting tickets that closed themselves). */
  readonly resolved: number;
  readonly avg_minutes: number | null;
  /** Share of those resolved within their SLA, 0–100. */
  readonly sla_met_pct: number | null;
  readonly self_healed: number;
  readonly escalated: number;
}

export function todayStats(
  agentEmail: string,
  resolutions: readonly Resolution[],
  escalations: readonly Escalation[],
  since: Date,
): TodayStats {
  const mine = resolutions.filter((r) => r.agent_email === agentEmail && new Date(r.resolved_at) >= since);
  const byAgent = mine.filter((r) => r.resolution_type !== 'SELF_HEALED');
  const met = byAgent.filter((r) => r.sla_status === 'MET').length;
  return {
    since: since.toISOString(),
    resolved: byAgent.length,
    avg_minutes: byAgent.length ? Math.round(byAgent.reduce((n, r) => n + r.resolution_minutes, 0) / byAgent.length) : null,
    sla_met_pct: byAgent.length ? Math.round((met / byAgent.length) * 100) : null,
    self_healed: mine.length - byAgent.length,
    escalated: escalations.filter((e) => e.escalated_by === agentEmail && new Date(e.escalated_at) >= since).length,
  };
}

export { startOfDay };
