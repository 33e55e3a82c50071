import { HOUR_MS } from '../warehouse/warehouse-time.js';
import type { Escalation, Resolution, Ticket } from './ticket-store.js';

const MINUTE_MS = 60_000;

export type SlaOutcome = Pick<Resolution, 'resolution_minutes' | 'sla_target_minutes' | 'sla_status'>;

/** §14: minutes from assignment (not order creation) to resolution, against the reason's SLA. */
export function slaOutcome(assignedAt: Date, slaHours: number, resolvedAt: Date): SlaOutcome {
  const minutes = Math.max(0, Math.round((resolvedAt.getTime() - assignedAt.getTime()) / MINUTE_MS));
  const target = Math.round(slaHours * 60);
  return { resolution_minutes: minutes, sla_target_minutes: target, sla_status: minutes <= target ? 'MET' : 'MISSED' };
}

/** The Escalations row for a ticket: the order's age now is its age at assignment plus the time since. */
export function escalationRow(ticket: Ticket, e: { by: string; reason: string; orderStatus: string; at: Date }): Escalation {
  const hours = ticket.hours_stuck + Math.max(0, e.at.getTime() - new Date(ticket.assigned_at).getTime()) / HOUR_MS;
  return {
    escalated_at: e.at.toISOString(),
    order_id: ticket.order_id,
    escalated_by: e.by,
    reason: e.reason,
    order_status: e.orderStatus,
    stuck_hours: Math.round(hours * 10) / 10,
    amount: ticket.amount,
    currency: ticket.currency,
    priority: ticket.priority,
    assigned_to: ticket.agent_email,
    resolved_at: null,
    resolution_notes: null,
  };
}
