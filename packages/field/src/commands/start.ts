import type { Ticket } from '@ecm/core/domain';
import { parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { claimIdentity } from '../identity/agent-identity.js';
import { withSession } from '../session/field-session.js';
import { ownOpenTicket } from '../tickets/order-whereabouts.js';
import { asCliError } from '../tickets/ticket-rules.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';

/** `ecm-field start ORDER`: the agent picks the ticket up (OPEN → IN_PROGRESS), so the lead sees who is on it. */
export async function startCommand(orderIdArg: string, options: AgentOptions): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  const identity = await claimIdentity(options.agent);
  const ticket = await withSession({ command: 'start', identity, now, warehouse: 'lazy' }, async (s): Promise<Ticket> => {
    const own = await ownOpenTicket(s, orderId, 'start');
    if (own.status === 'IN_PROGRESS') return own;
    if (own.status === 'ESCALATED') throw new CliError(`order ${orderId} is escalated; follow up with the contact and resolve it when fixed`, EXIT.failed);
    try {
      return await s.tickets.setTicketStatus(orderId, s.agent.email, 'IN_PROGRESS', now);
    } catch (err) {
      throw await asCliError(err);
    }
  });
  if (options.json) printJson({ ticket });
  else process.stdout.write(`${orderId} is IN_PROGRESS with you. When done: ecm-field resolve ${orderId} --notes "…"\n`);
  return EXIT.ok;
}

/** `ecm-field reopen ORDER --reason …`: a resolved (or escalated) ticket of yours is open again, with a new SLA clock. */
export async function reopenCommand(orderIdArg: string, options: AgentOptions & { reason?: string }): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const reason = options.reason?.trim();
  if (!reason) throw new CliError('reopening needs a reason: what shows the order is not fixed (--reason "…")', EXIT.config);
  const now = parseAsOf(options.asOf);
  const identity = await claimIdentity(options.agent);
  const ticket = await withSession({ command: 'reopen', identity, now, warehouse: 'lazy' }, async (s) => {
    const current = await s.tickets.getTicket(orderId);
    if (!current) throw new CliError(`order ${orderId} has no ticket`, EXIT.failed);
    if (current.agent_email !== s.agent.email) {
      throw new CliError(`order ${orderId} is ${current.agent_email}'s ticket, not yours; only the assignee may reopen it. Ask your lead to reassign it.`, EXIT.notAllowed);
    }
    try {
      return await s.tickets.reopenTicket(orderId, s.agent.email, now, reason);
    } catch (err) {
      throw await asCliError(err);
    }
  });
  if (options.json) printJson({ ticket });
  else process.stdout.write(`${orderId} is OPEN again with you; its SLA clock restarted now. Recorded in the ticket history: "${reason}".\n`);
  return EXIT.ok;
}
