import { whyNotInQueue } from '@ecm/core/domain';
import { shortTime, zoneLabel } from '@ecm/core/text';
import type { Ticket } from '@ecm/core/domain';
import type { GatewayContext } from '../gateway-context.js';
import { orderDetails } from '../orders/order-details.js';
import type { ToolCaller } from '../tools/define-tool.js';
import { ToolError } from '../tools/tool-error.js';
import type { FieldCaller } from './caller-agent.js';
import { refreshDailyStats } from '@ecm/core/stores';
import { describeError } from '@ecm/core/cli-kit';

export type TicketVerb = 'resolve' | 'escalate' | 'start';

/**
 * The ticket `verb` needs, if it is the caller's own open one; otherwise a refusal that says where
 * the order is instead (someone else's queue, resolved, not stuck, disqualified, not yet assigned).
 */
export async function ownOpenTicket(
  ctx: GatewayContext,
  caller: ToolCaller,
  me: FieldCaller,
  orderId: string,
  verb: TicketVerb,
): Promise<Ticket> {
  const ticket = await me.store.getTicket(orderId);
  const tz = ctx.config.settings.reports.time_zone;
  const at = (iso: string) => `${shortTime(iso, tz)} ${zoneLabel(tz)}`;
  if (ticket && ticket.status === 'RESOLVED') {
    const resolution = (await me.store.listResolutions(new Date(ticket.assigned_at))).filter((r) => r.order_id === orderId).at(-1);
    const how = resolution ? ` on ${at(resolution.resolved_at)} by ${resolution.agent_email} (${resolution.resolution_type})` : '';
    throw new ToolError(
      `order ${orderId} was already resolved${how}; a resolved ticket cannot be ${verb === 'start' ? 'started' : `${verb}d`} again${verb === 'start' ? ` (reopen it: ecm-field reopen ${orderId} --reason "…")` : ''}`,
    );
  }
  if (ticket && ticket.agent_email.toLowerCase() !== me.agent.email.toLowerCase()) {
    throw new ToolError(
      `order ${orderId} is in ${ticket.agent_email}'s queue (${ticket.status}, assigned ${at(ticket.assigned_at)}), not yours; only the assignee may ${verb} it. Ask them or your lead to hand it over.`,
      'not_allowed',
    );
  }
  if (ticket) return ticket;
  throw new ToolError(await whyNoTicket(ctx, caller, orderId));
}

/** An order without a ticket: what the warehouse and the triage say about it (the domain's rule). */
async function whyNoTicket(ctx: GatewayContext, caller: ToolCaller, orderId: string): Promise<string> {
  try {
    return whyNotInQueue(await orderDetails(ctx, orderId, { revealPii: false }, caller));
  } catch (err) {
    if (err instanceof ToolError) return `order ${orderId}: ${err.message}`;
    throw err;
  }
}

/**
 * Rewrites today's Daily Stats rows after a resolution or escalation. The ticket change is already
 * recorded, so a failure here is said, not fatal: the next change or run rewrites the day's rows.
 */
export async function updateDailyStats(ctx: GatewayContext, me: FieldCaller, notices: string[]): Promise<void> {
  try {
    await refreshDailyStats(ctx.config, me.store, ctx.now());
  } catch (err) {
    notices.push(`The Daily Stats could not be updated (${describeError(err)}); the next change or run rewrites them.`);
  }
}
