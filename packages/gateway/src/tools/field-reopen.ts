import { z } from 'zod';
import { callerAgent, storeWrite } from '../field/caller-agent.js';
import { defineTool } from './define-tool.js';
import { ToolError } from './tool-error.js';
import { FIELD_OUTPUT, orderIdInput } from '../field/field-schemas.js';

/** field_reopen: the caller's own resolved or escalated ticket is OPEN again, with a new SLA clock. */
export const fieldReopen = defineTool({
  name: 'field_reopen',
  title: 'Reopen my ticket',
  description:
    "Reopens the calling agent's own resolved or escalated ticket (the order is not fixed after all): OPEN again, a new SLA clock, the reason in the ticket history. Only the assignee may reopen.",
  input: { order_id: orderIdInput, reason: z.string().min(1).max(2000).describe('What shows the order is not fixed') },
  output: FIELD_OUTPUT.field_reopen,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  async run(ctx, args, caller) {
    const me = await callerAgent(ctx, caller);
    const reason = args.reason.trim();
    if (!reason) throw new ToolError('reopening needs a reason: what shows the order is not fixed (--reason "…")', 'usage');
    const current = await me.store.getTicket(args.order_id);
    if (!current) throw new ToolError(`order ${args.order_id} has no ticket`);
    if (current.agent_email.toLowerCase() !== me.agent.email.toLowerCase()) {
      throw new ToolError(
        `order ${args.order_id} is ${current.agent_email}'s ticket, not yours; only the assignee may reopen it. Ask your lead to reassign it.`,
        'not_allowed',
      );
    }
    const ticket = await storeWrite(() => me.store.reopenTicket(args.order_id, me.agent.email, ctx.now(), reason));
    return { structured: { ticket }, text: `${ticket.order_id} is OPEN again with ${me.agent.email}.` };
  },
});
