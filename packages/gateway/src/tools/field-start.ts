import { callerAgent, storeWrite } from '../field/caller-agent.js';
import { ownOpenTicket } from '../field/own-ticket.js';
import { defineTool } from './define-tool.js';
import { ToolError } from './tool-error.js';
import { FIELD_OUTPUT, orderIdInput } from '../field/field-schemas.js';

/** field_start: the caller picks up its own ticket (OPEN → IN_PROGRESS), so the lead sees who is on it. */
export const fieldStart = defineTool({
  name: 'field_start',
  title: 'Start my ticket',
  description:
    "Marks the calling agent's own OPEN ticket IN_PROGRESS (already IN_PROGRESS: unchanged). Refused for someone else's ticket, a resolved one or an escalated one.",
  input: { order_id: orderIdInput },
  output: FIELD_OUTPUT.field_start,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(ctx, args, caller) {
    const me = await callerAgent(ctx, caller);
    const own = await ownOpenTicket(ctx, caller, me, args.order_id, 'start');
    if (own.status === 'ESCALATED')
      throw new ToolError(`order ${args.order_id} is escalated; follow up with the contact and resolve it when fixed`);
    const ticket =
      own.status === 'IN_PROGRESS'
        ? own
        : await storeWrite(() => me.store.setTicketStatus(args.order_id, me.agent.email, 'IN_PROGRESS', ctx.now()));
    return { structured: { ticket }, text: `${ticket.order_id} is IN_PROGRESS with ${me.agent.email}.` };
  },
});
