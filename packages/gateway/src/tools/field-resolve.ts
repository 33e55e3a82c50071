import { ticketSlaOutcome, type Resolution } from '@ecm/core/domain';
import { z } from 'zod';
import { callerAgent, storeWrite } from '../field/caller-agent.js';
import { linkFeedbackToDiagnosis } from '../field/feedback-to-diagnosis.js';
import { buildQueue } from '../field/my-queue.js';
import { ownOpenTicket, updateDailyStats } from '../field/own-ticket.js';
import { defineTool } from './define-tool.js';
import { requiredFreeText } from './tool-inputs.js';
import { FIELD_OUTPUT, orderIdInput, RESOLUTION_TYPE, DIAGNOSIS_MATCH, ACTION_FOLLOWED } from '../field/field-schemas.js';

/** field_resolve: closes the caller's own ticket with the three feedback answers that feed the learning loop. */
export const fieldResolve = defineTool({
  name: 'field_resolve',
  title: 'Resolve my ticket',
  description: [
    "Resolves the calling agent's own open ticket: writes the Resolutions row (time, SLA target, MET/MISSED) with `notes` (what was done)",
    'and the feedback answers — diagnosis_match CORRECT|PARTIAL|WRONG, action_followed YES|MODIFIED|IGNORED, resolution_type',
    '(default AGENT_RESOLVED, ESCALATED_RESOLVED for an escalated ticket). Returns the open tickets left. Cannot be undone (reopen instead).',
  ].join(' '),
  input: {
    order_id: orderIdInput,
    notes: z.string().max(20_000).describe('What was done (required)'),
    diagnosis_match: z.enum(DIAGNOSIS_MATCH).optional(),
    action_followed: z.enum(ACTION_FOLLOWED).optional(),
    resolution_type: z.enum(RESOLUTION_TYPE).optional(),
  },
  output: FIELD_OUTPUT.field_resolve,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(ctx, args, caller) {
    const notes = requiredFreeText(
      'the resolution notes',
      args.notes,
      'resolution notes are required: say what was done (e.g. --notes "refund ref R-123 initiated")',
    );
    const me = await callerAgent(ctx, caller);
    const ticket = await ownOpenTicket(ctx, caller, me, args.order_id, 'resolve');
    const now = ctx.now();
    const resolution: Resolution = {
      resolved_at: now.toISOString(),
      order_id: ticket.order_id,
      agent_email: me.agent.email,
      notes,
      assigned_at: ticket.assigned_at,
      ...ticketSlaOutcome(ctx.config, ticket, now),
      stuck_reason: ticket.diagnosis,
      amount: ticket.amount,
      currency: ticket.currency,
      diagnosis_match: args.diagnosis_match ?? 'CORRECT',
      action_followed: args.action_followed ?? 'YES',
      resolution_type: args.resolution_type ?? (ticket.status === 'ESCALATED' ? 'ESCALATED_RESOLVED' : 'AGENT_RESOLVED'),
    };
    await storeWrite(() => me.store.resolveTicket(resolution));
    const notices: string[] = [];
    await updateDailyStats(ctx, me, notices);
    await linkFeedbackToDiagnosis(await ctx.stateDb(), resolution, now, notices);
    const open = await me.store.listTickets({ agentEmail: me.agent.email, statuses: ctx.config.settings.assignment.open_statuses });
    const left = buildQueue(ctx.config, open, null, now);
    return {
      structured: { resolution, left, notices },
      text: `Resolved ${resolution.order_id} in ${resolution.resolution_minutes} min (SLA ${resolution.sla_target_minutes} min: ${resolution.sla_status}); ${left.length} open ticket(s) left.`,
    };
  },
});
