import { z } from 'zod';
import type { PatternCluster } from './cluster-orders.js';

/** A cluster as tools and reports show it: the signature as one line, no order facts. */
export const patternClusterViewSchema = z.object({
  pattern_id: z.string(),
  signature: z.string(),
  stuck_reason: z.string(),
  order_count: z.number().int(),
  total_amount_aed: z.number(),
  avg_hours: z.number(),
  max_hours: z.number(),
  high_value_count: z.number().int(),
  critical_count: z.number().int(),
  impact: z.number(),
  novel: z.boolean(),
  systemic: z.boolean(),
  flags: z.object({ high_value: z.boolean(), majority_critical: z.boolean(), over_72h: z.boolean() }),
});
export type PatternClusterView = z.infer<typeof patternClusterViewSchema>;

export function patternClusterView(c: PatternCluster): PatternClusterView {
  return {
    pattern_id: c.pattern_id,
    signature: c.signature_text,
    stuck_reason: c.stuck_reason,
    order_count: c.order_count,
    total_amount_aed: c.total_amount_aed,
    avg_hours: c.avg_hours,
    // Hours are triaged to 0.1 h; rounding again keeps a sum's float noise out of reports.
    max_hours: Math.round(c.max_hours * 10) / 10,
    high_value_count: c.high_value_count,
    critical_count: c.critical_count,
    impact: c.impact,
    novel: c.novel,
    systemic: c.systemic,
    flags: { ...c.flags },
  };
}
