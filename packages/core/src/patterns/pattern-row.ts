import type { PatternRow } from '../tickets/ticket-store.js';
import type { PatternCluster } from './cluster-orders.js';

/** A cluster as the Patterns tab records it on `date`, with its trend and what to do about it. */
export function patternRowOf(c: PatternCluster, date: string, delta: string, recommendation: string): PatternRow {
  return {
    date,
    pattern_id: c.pattern_id,
    stuck_reason: c.stuck_reason,
    currency: c.signature.currency,
    signature: c.signature_text,
    order_count: c.order_count,
    total_amount_aed: c.total_amount_aed,
    avg_hours: c.avg_hours,
    high_value_count: c.high_value_count,
    critical_count: c.critical_count,
    delta,
    recommendation,
  };
}
