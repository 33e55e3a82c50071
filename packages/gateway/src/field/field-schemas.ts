import { SLA_BANDS, TICKET_STATUSES } from '@ecm/core';
import { z } from 'zod';

/** The shapes the field tools answer with, declared once: the server validates them, ecm-field parses them. */
export const orderIdInput = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'an order id is letters, digits and - _ . :');

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
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
  currency: z.string(),
  amount: z.number(),
  hours_stuck: z.number(),
  diagnosis: z.string(),
  notes: z.string(),
  updated_at: z.string(),
});

export const slaClockOutput = z.object({ target_minutes: z.number(), elapsed_minutes: z.number(), remaining_minutes: z.number(), band: z.enum(SLA_BANDS) });

export const queueEntryOutput = z.object({
  order_id: z.string(),
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
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

export const checklistOutput = z.array(z.object({ proposal_id: z.string(), order_id: z.string(), step_no: z.number(), step_text: z.string(), done: z.boolean() }));

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
