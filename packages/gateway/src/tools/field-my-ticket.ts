import { z } from 'zod';
import { callerAgent } from '../field/caller-agent.js';
import { ownOpenTicket } from '../field/own-ticket.js';
import { defineTool } from './define-tool.js';
import { FIELD_OUTPUT, orderIdInput } from '../field/field-schemas.js';

/** field_my_ticket: checks that an order is the caller's own open ticket before asking the agent anything. */
export const fieldMyTicket = defineTool({
  name: 'field_my_ticket',
  title: 'One of my tickets',
  description:
    "The calling agent's own open ticket on an order, as it would be started, resolved or escalated; refused with where the order is instead (someone else's queue, resolved, not stuck, not yet assigned). Read-only.",
  input: { order_id: orderIdInput, action: z.enum(['start', 'resolve', 'escalate']) },
  output: FIELD_OUTPUT.field_my_ticket,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(ctx, args, caller) {
    const me = await callerAgent(ctx, caller);
    const ticket = await ownOpenTicket(ctx, caller, me, args.order_id, args.action);
    return { structured: { ticket }, text: `${ticket.order_id}: ${ticket.status}, ${ticket.diagnosis}, ${ticket.priority}` };
  },
});
