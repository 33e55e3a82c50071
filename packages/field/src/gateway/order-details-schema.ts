import { z } from 'zod';

/** ecm_order_details' structured result: the parts the terminal shows. */
export const orderDetailsSchema = z.object({
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
  systems: z.array(
    z.object({
      system: z.string(),
      records: z.number(),
      latest_record_id: z.string(),
      status: z.string().nullable(),
      sub_status: z.string().nullable(),
      detail: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string().nullable(),
    }),
  ),
  timeline: z.array(z.object({ at: z.string(), system: z.string(), record_id: z.string(), event: z.string(), status: z.string().nullable(), detail: z.string().nullable() })),
  diagnosis: z
    .object({
      stuck_reason: z.string(),
      team: z.string(),
      summary: z.string(),
      action: z.string(),
      runbook: z.string(),
      escalation: z.string(),
      sla_hours: z.number(),
      monitor_only: z.boolean(),
      customer_impact: z.boolean(),
      category: z.string(),
      score: z.number(),
      priority: z.string(),
      high_value: z.boolean(),
      amount_aed: z.number(),
      actionable: z.boolean(),
      factors: z.array(z.object({ factor: z.string(), value: z.number(), weight: z.number(), contribution: z.number() })),
      disqualification: z.object({ reason: z.string(), explain: z.string() }).nullable(),
    })
    .nullable(),
  not_a_candidate: z.string().nullable(),
  triage_as_of: z.string().nullable(),
  warnings: z.array(z.string()),
});
export type OrderDetails = z.infer<typeof orderDetailsSchema>;

export const runbookSchema = z.object({ name: z.string(), title: z.string(), path: z.string(), reasons: z.array(z.string()), content: z.string() });
