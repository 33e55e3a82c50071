import { z } from 'zod';

/**
 * The shape of "one order across every system" (§12): what the gateway's ecm_order_details returns
 * and what ecm-field renders. Defined here once; the types are inferred from it.
 */
export const timelineEventSchema = z.object({
  at: z.string(),
  system: z.string(),
  record_id: z.string(),
  event: z.enum(['created', 'last_update']),
  status: z.string().nullable(),
  detail: z.string().nullable(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

/** The latest record of one system (GOMS, payment, Falcon, payout, Lulu, RFI, …) for the order. */
export const systemStatusSchema = z.object({
  system: z.string(),
  records: z.number().int(),
  latest_record_id: z.string(),
  status: z.string().nullable(),
  sub_status: z.string().nullable(),
  detail: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string().nullable(),
});
export type SystemStatus = z.infer<typeof systemStatusSchema>;

export const scoreFactorSchema = z.object({ factor: z.string(), value: z.number(), weight: z.number(), contribution: z.number() });
export type ScoreFactor = z.infer<typeof scoreFactorSchema>;

/** The engine's triage of one order, in words and with its score broken into factors. */
export const diagnosisSchema = z.object({
  stuck_reason: z.string(),
  team: z.string(),
  summary: z.string(),
  action: z.string(),
  runbook: z.string(),
  escalation: z.string(),
  sla_hours: z.number(),
  severity: z.number(),
  monitor_only: z.boolean(),
  customer_impact: z.boolean(),
  category: z.string(),
  score: z.number(),
  priority: z.string(),
  high_value: z.boolean(),
  amount_aed: z.number(),
  actionable: z.boolean(),
  factors: z.array(scoreFactorSchema),
  disqualification: z.object({ reason: z.string(), explain: z.string() }).nullable(),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;

export const orderDetailsShape = {
  order_id: z.string(),
  as_of: z.string(),
  order: z.object({
    status: z.string().nullable(),
    sub_state: z.string().nullable(),
    currency: z.string().nullable(),
    send_amount: z.number().nullable(),
    receive_amount: z.number().nullable(),
    acquirer: z.string().nullable(),
    owner_id: z.string(),
    created_at: z.string(),
    updated_at: z.string().nullable(),
    hours: z.number(),
  }),
  customer: z.object({ full_name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), masked: z.boolean() }),
  systems: z.array(systemStatusSchema),
  timeline: z.array(timelineEventSchema),
  /** The engine's triage of this order, or null when it is not a stuck-order candidate. */
  diagnosis: diagnosisSchema.nullable(),
  /** Why a reveal of personal data was refused (the customer stays masked); null when not asked or allowed. */
  reveal_refused: z.string().nullable(),
  not_a_candidate: z.string().nullable(),
  triage_as_of: z.string().nullable(),
  warnings: z.array(z.string()),
};
export const orderDetailsSchema = z.object(orderDetailsShape);
export type OrderDetails = z.infer<typeof orderDetailsSchema>;
