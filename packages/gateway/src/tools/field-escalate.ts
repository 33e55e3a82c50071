import { checkText, FREE_TEXT_MAX } from '@ecm/core/domain';
import { z } from 'zod';
import { callerAgent } from '../field/caller-agent.js';
import { escalateTicket } from '../field/escalate-ticket.js';
import { defineTool } from './define-tool.js';
import { ToolError } from './tool-error.js';
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
    if (!args.reason.trim())
      throw new ToolError('an escalation needs a reason: say what is blocked and who must act (--reason "…")', 'usage');
    const checked = checkText('the escalation reason', args.reason, { lines: true });
    if (!checked.ok) {
      throw new ToolError(
        `${checked.problem} (at most ${FREE_TEXT_MAX.toLocaleString('en-US')} characters of plain text; put long evidence in the ticket or a linked document)`,
        'usage',
      );
    }
    const me = await callerAgent(ctx, caller);
    const done = await escalateTicket(ctx, caller, me, args.order_id, checked.text, ctx.env);
    return { structured: done, text: `Escalated ${args.order_id} (${done.team}); team notified: ${done.slack.where}.` };
  },
});
