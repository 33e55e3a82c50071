import { z } from 'zod';
import { callerAgent } from '../field/caller-agent.js';
import { escalateTicket } from '../field/escalate-ticket.js';
import { defineTool } from './define-tool.js';
import { requiredFreeText } from './tool-inputs.js';
import { FIELD_OUTPUT, orderIdInput } from '../field/field-schemas.js';

/** field_escalate: escalates the caller's own ticket — the team is told first, then it is recorded. */
export const fieldEscalate = defineTool({
  name: 'field_escalate',
  title: 'Escalate my ticket',
  description: [
    "Escalates the calling agent's own open ticket: notifies the team's Slack channel (the escalation ladder of ESCALATION.md decides the level and contact),",
    'then writes the Escalations row and marks the ticket ESCALATED. `reason`: what is blocked and who must act. One escalation per ticket; if the team cannot be notified nothing is recorded.',
  ].join(' '),
  input: { order_id: orderIdInput, reason: z.string().max(20_000).describe('What is blocked and who must act') },
  output: FIELD_OUTPUT.field_escalate,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(ctx, args, caller) {
    const reason = requiredFreeText(
      'the escalation reason',
      args.reason,
      'an escalation needs a reason: say what is blocked and who must act (--reason "…")',
      'put long evidence in the ticket or a linked document',
    );
    const me = await callerAgent(ctx, caller);
    const done = await escalateTicket(ctx, caller, me, args.order_id, reason, ctx.env);
    return { structured: done, text: `Escalated ${args.order_id} (${done.team}); team notified: ${done.slack.where}.` };
  },
});
