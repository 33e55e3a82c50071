import type { Ticket } from '@ecm/core/domain';
import { whyNotInQueue } from '@ecm/core/domain';
import { CliError, EXIT } from '../exit-codes.js';
import { callTool, openFieldGateway, ToolFailure } from '../gateway/field-gateway.js';
import { orderDetailsSchema } from '../gateway/order-details-schema.js';
import { shortTime, zoneLabel } from '../render/when.js';
import type { FieldSession } from '../session/field-session.js';

/**
 * The ticket `verb` needs, if it is the agent's own open one; otherwise an error that says where the
 * order is instead (someone else's queue, resolved, not stuck, disqualified, not yet assigned).
 */
export async function ownOpenTicket(s: FieldSession, orderId: string, verb: 'resolve' | 'escalate' | 'start'): Promise<Ticket> {
  const ticket = await s.tickets.getTicket(orderId);
  const tz = s.config.settings.reports.time_zone;
  const at = (iso: string) => `${shortTime(iso, tz)} ${zoneLabel(tz)}`;
  if (ticket && ticket.status === 'RESOLVED') {
    const resolution = (await s.tickets.listResolutions(new Date(ticket.assigned_at))).filter((r) => r.order_id === orderId).at(-1);
    const how = resolution ? ` on ${at(resolution.resolved_at)} by ${resolution.agent_email} (${resolution.resolution_type})` : '';
    throw new CliError(`order ${orderId} was already resolved${how}; a resolved ticket cannot be ${verb === 'start' ? 'started' : `${verb}d`} again${verb === 'start' ? ` (reopen it: ecm-field reopen ${orderId} --reason "…")` : ''}`, EXIT.failed);
  }
  if (ticket && ticket.agent_email.toLowerCase() !== s.agent.email) {
    throw new CliError(
      `order ${orderId} is in ${ticket.agent_email}'s queue (${ticket.status}, assigned ${at(ticket.assigned_at)}), not yours; only the assignee may ${verb} it. Ask them or your lead to hand it over.`,
      EXIT.notAllowed,
    );
  }
  if (ticket) return ticket;
  throw new CliError(await whyNoTicket(s, orderId), EXIT.failed);
}

/** An order without a ticket: what the warehouse and the triage say about it, through the gateway. */
async function whyNoTicket(s: FieldSession, orderId: string): Promise<string> {
  const gateway = await openFieldGateway(s, { allowPii: false });
  try {
    return whyNotInQueue(await callTool(gateway.client, 'ecm_order_details', { order_id: orderId }, orderDetailsSchema));
  } catch (err) {
    if (err instanceof ToolFailure) return `order ${orderId}: ${err.message}`;
    throw err;
  } finally {
    await gateway.close();
  }
}
