import {
  EscalationMatrixError,
  escalationTarget,
  loadEscalationMatrix,
  slaClock,
  slaHoursFor,
  type EscalationTarget,
} from '@ecm/core/domain';
import { z } from 'zod';
import { callerAgent } from '../field/caller-agent.js';
import { defineTool } from './define-tool.js';
import { FIELD_OUTPUT, orderIdInput } from '../field/field-schemas.js';

/**
 * field_order_context: what the terminal shows around ecm_order_details — the order's ticket and its
 * SLA clock, whom to escalate to for the diagnosis, and the approved-fix checklist.
 */
export const fieldOrderContext = defineTool({
  name: 'field_order_context',
  title: "An order's ticket, SLA and escalation contact",
  description: [
    "For one order: its ticket (whoever holds it; `yours` when it is the calling agent's) with the SLA clock, the escalation ladder step and contacts",
    "for the diagnosis' `team`, the order's age in `hours` and the reason's `escalation` role (from ecm_order_details), and the approved-fix checklist. Read-only.",
  ].join(' '),
  input: {
    order_id: orderIdInput,
    diagnosis: z.object({ team: z.string().max(64), hours: z.number().min(0).max(1e6), escalation: z.string().max(200) }).optional(),
  },
  output: FIELD_OUTPUT.field_order_context,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(ctx, args, caller) {
    const { agent, store } = await callerAgent(ctx, caller);
    const now = ctx.now();
    const t = await store.getTicket(args.order_id);
    const ticket = t
      ? {
          ...t,
          yours: t.agent_email.toLowerCase() === agent.email.toLowerCase(),
          sla: slaClock(new Date(t.assigned_at), slaHoursFor(ctx.config, t.diagnosis), now),
        }
      : null;
    let escalation: EscalationTarget | null = null;
    let problem: string | null = null;
    if (args.diagnosis) {
      try {
        escalation = escalationTarget(
          loadEscalationMatrix(ctx.config.sharedDir),
          args.diagnosis.team,
          args.diagnosis.hours,
          args.diagnosis.escalation,
        );
      } catch (err) {
        if (!(err instanceof EscalationMatrixError)) throw err;
        problem = err.message;
      }
    }
    const { checklistOf } = await import('@ecm/agent/state');
    const state = await ctx.agentState();
    const checklist = await checklistOf(state, [args.order_id]);
    return {
      structured: { ticket, escalation, escalation_problem: problem, checklist, time_zone: ctx.config.settings.reports.time_zone },
      text: ticket
        ? `${args.order_id}: ${ticket.status}, ${ticket.yours ? 'yours' : `assigned to ${ticket.agent_email}`}, SLA ${ticket.sla.band}`
        : `${args.order_id}: no ticket`,
    };
  },
});
