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

/** The schema names the fields, so the copy below cannot drift from it. */
const STUCK_ORDER_FIELDS = Object.keys(stuckOrderSchema.shape) as (keyof StuckOrder)[];

export function stuckOrderOf(o: TriagedOrder): StuckOrder {
  // Field by field (not a spread): a triaged order also carries facts with customer data, which must not leak.
  return Object.fromEntries(STUCK_ORDER_FIELDS.map((field) => [field, o[field]])) as Pick<TriagedOrder, keyof StuckOrder>;
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
