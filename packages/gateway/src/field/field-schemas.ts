import { PRIORITIES, SLA_BANDS, TICKET_STATUSES } from '@ecm/core/domain-shapes';
import { z } from 'zod';

/**
 * The shapes the field tools answer with, declared once: the server validates its answers with them
 * and ecm-field parses them (it imports this module alone, through @ecm/gateway/field-schemas, so a
 * thin terminal loads zod and nothing of the server).
 */
export const orderIdInput = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an order id is letters, digits and - _ . :');

export const agentOutput = z.object({
  email: z.string(),
  name: z.string(),
  team: z.string(),
  slack_handle: z.string().nullable(),
  active: z.boolean(),
  max_tickets: z.number(),
  role: z.enum(['agent', 'supervisor']),
});

export const ticketOutput = z.object({
  order_id: z.string(),
  agent_email: z.string(),
  assigned_at: z.string(),
  status: z.enum(TICKET_STATUSES),
  priority: z.enum(PRIORITIES),
  currency: z.string(),
  amount: z.number(),
  hours_stuck: z.number(),
  diagnosis: z.string(),
  notes: z.string(),
  updated_at: z.string(),
});

export const slaClockOutput = z.object({
  target_minutes: z.number(),
  elapsed_minutes: z.number(),
  remaining_minutes: z.number(),
  band: z.enum(SLA_BANDS),
});

export const queueEntryOutput = z.object({
  order_id: z.string(),
  priority: z.enum(PRIORITIES),
  status: z.enum(TICKET_STATUSES),
  stuck_reason: z.string(),
  currency: z.string(),
  amount: z.number(),
  assigned_at: z.string(),
  order_hours: z.number(),
  sla: slaClockOutput,
  live: z.object({ status: z.string().nullable(), sub_state: z.string().nullable() }).nullable(),
  completed: z.boolean(),
  next_action: z.string(),
});

export const checklistOutput = z.array(
  z.object({ proposal_id: z.string(), order_id: z.string(), step_no: z.number(), step_text: z.string(), done: z.boolean() }),
);

const contactOutput = z.object({ team: z.string(), level: z.string(), role: z.string(), contact: z.string(), slack: z.string() });
export const escalationTargetOutput = z.object({
  step: z.object({ level: z.string(), hours: z.number(), meaning: z.string(), who: z.string() }).nullable(),
  contact: contactOutput.nullable(),
  specialist: z.object({ key: z.string(), role: z.string(), contact: z.string(), slack: z.string() }).nullable(),
});

export const escalationOutput = z.object({
  escalated_at: z.string(),
  order_id: z.string(),
  escalated_by: z.string(),
  reason: z.string(),
  order_status: z.string(),
  stuck_hours: z.number(),
  amount: z.number(),
  currency: z.string(),
  priority: z.string(),
  assigned_to: z.string(),
  resolved_at: z.string().nullable(),
  resolution_notes: z.string().nullable(),
});

export const statsOutput = z.object({
  since: z.string(),
  resolved: z.number(),
  avg_minutes: z.number().nullable(),
  sla_met_pct: z.number().nullable(),
  self_healed: z.number(),
  escalated: z.number(),
});

export const DIAGNOSIS_MATCH = ['CORRECT', 'PARTIAL', 'WRONG'] as const;
export const ACTION_FOLLOWED = ['YES', 'MODIFIED', 'IGNORED'] as const;
export const RESOLUTION_TYPE = ['AGENT_RESOLVED', 'ESCALATED_RESOLVED', 'FALSE_POSITIVE', 'SELF_HEALED'] as const;

export const resolutionOutput = z.object({
  resolved_at: z.string(),
  order_id: z.string(),
  agent_email: z.string(),
  notes: z.string(),
  assigned_at: z.string(),
  resolution_minutes: z.number(),
  sla_target_minutes: z.number(),
  sla_status: z.enum(['MET', 'MISSED']),
  stuck_reason: z.string(),
  amount: z.number(),
  currency: z.string(),
  diagnosis_match: z.enum(DIAGNOSIS_MATCH),
  action_followed: z.enum(ACTION_FOLLOWED),
  resolution_type: z.enum(RESOLUTION_TYPE),
});

/** A proposal as the field tools return it (times as ISO strings). */
export const proposalOutput = z.object({
  id: z.string(),
  created_at: z.string(),
  order_id: z.string(),
  action: z.string(),
  rationale: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  needs_supervisor: z.boolean(),
  amount_aed: z.number().nullable(),
  skill: z.string(),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
  decision_reason: z.string().nullable(),
});

/** Each field tool's answer (the tools' outputSchema). */
export const FIELD_OUTPUT = {
  field_whoami: { agent: agentOutput, time_zone: z.string() },
  field_my_queue: {
    agent: agentOutput,
    as_of: z.string(),
    as_of_label: z.string(),
    time_zone: z.string(),
    open: z.number().int(),
    completed_meanwhile: z.number().int(),
    live_status: z.string(),
    tickets: z.array(queueEntryOutput),
    stats: statsOutput,
    checklist: checklistOutput,
  },
  field_my_ticket: { ticket: ticketOutput },
  field_order_context: {
    ticket: ticketOutput.extend({ yours: z.boolean(), sla: slaClockOutput }).nullable(),
    escalation: escalationTargetOutput.nullable(),
    escalation_problem: z.string().nullable(),
    checklist: checklistOutput,
    time_zone: z.string(),
  },
  field_start: { ticket: ticketOutput },
  field_reopen: { ticket: ticketOutput },
  field_resolve: { resolution: resolutionOutput, left: z.array(queueEntryOutput), notices: z.array(z.string()) },
  field_escalate: {
    escalation: escalationOutput,
    team: z.string(),
    stuckReason: z.string(),
    target: escalationTargetOutput,
    slack: z.object({ posted: z.boolean(), where: z.string(), error: z.string().nullable() }),
    notices: z.array(z.string()),
  },
  field_proposals: { agent: z.string(), supervisor: z.boolean(), time_zone: z.string(), proposals: z.array(proposalOutput) },
  field_decide_proposal: { proposal: proposalOutput, work_summary: z.string().nullable() },
  field_correct_classification: {
    classification_correction: z.object({
      corrected_at: z.string(),
      order_id: z.string(),
      corrected_by: z.string(),
      classified_reason: z.string(),
      corrected_reason: z.string(),
      note: z.string().nullable(),
    }),
  },
  field_judge_execution: {
    correction: z.object({
      execution_id: z.string(),
      skill: z.string(),
      subject: z.string().nullable(),
      verdict: z.string(),
      note: z.string().nullable(),
    }),
  },
} as const;

export type FieldToolName = keyof typeof FIELD_OUTPUT;
export type FieldAnswer<N extends FieldToolName> = z.output<z.ZodObject<(typeof FIELD_OUTPUT)[N]>>;
