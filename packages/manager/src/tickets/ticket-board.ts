import { slaHoursFor, type Agent, type EcmConfig, type SlaBand, type Ticket } from '@ecm/core/domain';
import { priorityRank } from '@ecm/core/domain';
import { orderHoursOf, teamOf } from '../phases/sla-phase.js';

/** One ticket as the ops lead sees it across every agent. */
export interface BoardRow {
  readonly order_id: string;
  readonly agent_email: string;
  readonly agent_name: string;
  readonly agent_active: boolean;
  readonly team: string;
  readonly status: string;
  readonly priority: string;
  readonly stuck_reason: string;
  readonly currency: string;
  readonly amount: number;
  readonly assigned_at: string;
  /** Order age now, in hours. */
  readonly age_hours: number;
  /** Null for a resolved ticket: its clock has stopped. */
  readonly sla_left_minutes: number | null;
  readonly sla_band: SlaBand | 'CLOSED';
}

export interface BoardSummaryRow {
  readonly key: string;
  readonly open: number;
  readonly breached: number;
  readonly critical: number;
  readonly escalated: number;
}

export interface BoardFilter {
  readonly agent?: string;
  readonly team?: string;
  readonly statuses?: readonly string[];
  readonly breached?: boolean;
}

export function boardRows(
  config: EcmConfig,
  tickets: readonly Ticket[],
  agents: readonly Agent[],
  asOf: Date,
  slaClock: (assignedAt: Date, slaHours: number, now: Date) => { remaining_minutes: number; band: SlaBand },
): BoardRow[] {
  const byEmail = new Map(agents.map((a) => [a.email, a]));
  return tickets
    .map((t): BoardRow => {
      const owner = byEmail.get(t.agent_email);
      const closed = t.status === 'RESOLVED';
      const clock = closed ? null : slaClock(new Date(t.assigned_at), slaHoursFor(config, t.diagnosis), asOf);
      return {
        order_id: t.order_id,
        agent_email: t.agent_email,
        agent_name: owner?.name ?? t.agent_email,
        agent_active: owner?.active ?? false,
        team: owner?.team ?? teamOf(config, t, owner),
        status: t.status,
        priority: t.priority,
        stuck_reason: t.diagnosis,
        currency: t.currency,
        amount: t.amount,
        assigned_at: t.assigned_at,
        age_hours: Math.round(orderHoursOf(t, asOf) * 10) / 10,
        sla_left_minutes: clock?.remaining_minutes ?? null,
        sla_band: clock?.band ?? 'CLOSED',
      };
    })
    .sort(
      (a, b) =>
        priorityRank(a.priority) - priorityRank(b.priority) ||
        (a.sla_left_minutes ?? Infinity) - (b.sla_left_minutes ?? Infinity) ||
        a.order_id.localeCompare(b.order_id),
    );
}

export function filterBoard(rows: readonly BoardRow[], f: BoardFilter): BoardRow[] {
  const statuses = f.statuses ? new Set(f.statuses) : null;
  return rows.filter(
    (r) =>
      (!f.agent || r.agent_email === f.agent.toLowerCase()) &&
      (!f.team || r.team === f.team) &&
      (!statuses || statuses.has(r.status)) &&
      (!f.breached || r.sla_band === 'BREACHED'),
  );
}

/** Per agent (or team): open tickets, how many breached or critical, how many escalated. */
export function summarize(rows: readonly BoardRow[], keyOf: (r: BoardRow) => string): BoardSummaryRow[] {
  const out = new Map<string, { open: number; breached: number; critical: number; escalated: number }>();
  for (const r of rows) {
    if (r.status === 'RESOLVED') continue;
    const s = out.get(keyOf(r)) ?? { open: 0, breached: 0, critical: 0, escalated: 0 };
    s.open++;
    if (r.sla_band === 'BREACHED') s.breached++;
    if (r.sla_band === 'CRITICAL') s.critical++;
    if (r.status === 'ESCALATED') s.escalated++;
    out.set(keyOf(r), s);
  }
  return [...out.entries()]
    .sort((a, b) => b[1].breached - a[1].breached || b[1].open - a[1].open || a[0].localeCompare(b[0]))
    .map(([key, s]) => ({ key, ...s }));
}
