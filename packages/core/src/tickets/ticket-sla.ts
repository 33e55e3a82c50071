import type { EcmConfig } from '../config/load-config.js';
import type { Ticket } from './ticket-store.js';
import { slaOutcome, type SlaOutcome } from './ticket-rows.js';

/**
 * The SLA in hours for a ticket's stuck reason: the reason's `sla_hours` from the catalogue. A reason
 * the catalogue no longer has (renamed or removed since the ticket was written, or hand-edited in
 * the sheet) gets `assignment.default_sla_hours` (24 h), the same everywhere: the field's SLA clock,
 * the gateway's ticket tools and every MET/MISSED verdict.
 */
export function slaHoursFor(config: EcmConfig, reason: string): number {
  return config.reasons.get(reason)?.sla_hours ?? config.settings.assignment.default_sla_hours;
}

/** MET/MISSED for a ticket resolved at `resolvedAt`, measured from its assignment against its reason's SLA. */
export function ticketSlaOutcome(config: EcmConfig, ticket: Pick<Ticket, 'assigned_at' | 'diagnosis'>, resolvedAt: Date): SlaOutcome {
  return slaOutcome(new Date(ticket.assigned_at), slaHoursFor(config, ticket.diagnosis), resolvedAt);
}
