import { z } from 'zod';
import type { TriagedOrder } from '../triage/run-triage.js';

/** A triaged stuck order as tools and reports list it: no customer data, amounts as numbers. */
export const stuckOrderSchema = z.object({
  order_id: z.string(),
  currency: z.string(),
  send_amount: z.number(),
  amount_aed: z.number(),
  hours: z.number(),
  category: z.string(),
  stuck_reason: z.string(),
  team: z.string(),
  priority: z.string(),
  score: z.number(),
  high_value: z.boolean(),
  customer_impact: z.boolean(),
  monitor_only: z.boolean(),
  disqualified: z.string().nullable(),
  action: z.string(),
});
export type StuckOrder = z.infer<typeof stuckOrderSchema>;

export function stuckOrderOf(o: TriagedOrder): StuckOrder {
  return {
    order_id: o.order_id,
    currency: o.currency,
    send_amount: o.send_amount,
    amount_aed: o.amount_aed,
    hours: o.hours,
    category: o.category,
    stuck_reason: o.stuck_reason,
    team: o.team,
    priority: o.priority,
    score: o.score,
    high_value: o.high_value,
    customer_impact: o.customer_impact,
    monitor_only: o.monitor_only,
    disqualified: o.disqualified,
    action: o.action,
  };
}

/**
 * The same order as a file record (JSON and CSV): amounts are exact decimal strings
 * ("9999999999999999.99") — a JSON number would be read back as a double and lose the cents —
 * with the score's factors and the GOMS state.
 */
export const stuckOrderRecordSchema = stuckOrderSchema.extend({
  send_amount: z.string(),
  amount_aed: z.string(),
  factors: z.object({
    age: z.number(),
    amount: z.number(),
    severity: z.number(),
    multiplier: z.number(),
    rfi: z.number(),
    payment: z.number(),
    attempts: z.number(),
  }),
  status: z.string().nullable(),
  sub_state: z.string().nullable(),
  acquirer: z.string().nullable(),
  created_at: z.string(),
});
export type StuckOrderRecord = z.infer<typeof stuckOrderRecordSchema>;

export function stuckOrderRecordOf(o: TriagedOrder): StuckOrderRecord {
  return {
    ...stuckOrderOf(o),
    send_amount: o.send_amount_decimal,
    amount_aed: o.amount_aed_decimal,
    factors: o.factors,
    status: o.status,
    sub_state: o.sub_state,
    acquirer: o.acquirer,
    created_at: o.created_at,
  };
}

const PRIORITY_RANK: Readonly<Record<string, number>> = { P1: 0, P2: 1, P3: 2, P4: 3 };

/** P1 first; anything that is not a priority after P4. */
export const priorityRank = (priority: string): number => PRIORITY_RANK[priority] ?? 9;
