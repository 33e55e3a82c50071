import type { EcmConfig } from '../config/load-config.js';
import { candidateWindow } from '../triage/run-triage.js';
import { toWarehouseTime } from '../warehouse/warehouse-time.js';
import type { OrderDetails } from './order-details-shape.js';
import type { OrderHeader } from './order-timeline.js';

/** Why an order is not among the candidates at T (§3), in words. */
export function whyNotCandidate(config: EcmConfig, order: OrderHeader, asOf: Date, falconStatus: string | null): string {
  const c = config.settings.candidates;
  const { start, end } = candidateWindow(config, asOf);
  if (order.created_at >= end) return `it is younger than ${c.min_age_hours} h (created ${toWarehouseTime(order.created_at)} UTC)`;
  if (order.created_at < start) return `it is older than the ${c.window_days}-day window`;
  if (!order.currency || !c.currencies.includes(order.currency))
    return `its send currency ${order.currency ?? 'is missing'} is not one ECM handles (${c.currencies.join(', ')})`;
  if (order.status === 'COMPLETED' && falconStatus !== c.completed_with_falcon_status) return 'GOMS shows it COMPLETED';
  if (
    order.status !== 'COMPLETED' &&
    (!order.status || !c.statuses.includes(order.status) || !order.sub_state || !c.sub_states.includes(order.sub_state))
  ) {
    return `GOMS status ${order.status ?? 'none'} / sub_state ${order.sub_state ?? 'none'} is not on the candidate lists`;
  }
  // Its state changed since the shared triage result was computed (see triage_as_of).
  return 'it was not among the candidates when the latest triage ran';
}

/**
 * Why an order with no ticket is in nobody's queue, from its details: not stuck, disqualified,
 * monitor-only, or stuck but not yet assigned.
 */
export function whyNotInQueue(d: OrderDetails): string {
  const id = d.order_id;
  const goms = `GOMS ${d.order.status ?? 'none'} / ${d.order.sub_state ?? 'none'}`;
  const g = d.diagnosis;
  if (!g) return `order ${id} is not in anyone's queue: ${d.not_a_candidate ?? `not a stuck order (${goms})`}`;
  if (g.disqualification)
    return `order ${id} is not in anyone's queue: disqualified as ${g.disqualification.reason} — ${g.disqualification.explain}`;
  if (g.monitor_only)
    return `order ${id} is not in anyone's queue: ${g.stuck_reason} is monitor-only (${g.summary}); it is counted in the backlog, never assigned`;
  return `order ${id} is stuck (${g.stuck_reason}, ${g.team}, ${g.priority}) but not assigned to anyone yet; the next triage assigns it (ecm-manager triage), unless the team is over capacity`;
}
