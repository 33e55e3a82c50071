import type { Agent, Ticket } from '@ecm/core/domain';
import type { SlackPost } from '@ecm/core/slack';
import type { OrderDetails } from '@ecm/gateway';
import { callGatewayTool, openGatewayFor } from './gateway-call.js';
import { ticketButtons } from './slack-actions.js';
import type { TicketActionDeps } from './ticket-actions.js';
import { md, section, context, codeTable, fitToLimits } from '@ecm/core/slack';

const TIMELINE_ROWS = 12;

/** The `ecm-field order` view as Slack blocks: every value escaped, the customer masked. */
export async function renderOrderAnswer(details: OrderDetails, ticket: Ticket | null, askedBy: Agent): Promise<SlackPost> {
  const d = details;
  const g = d.diagnosis;
  const money =
    d.order.send_amount === null ? 'amount unknown' : `${d.order.currency ?? ''} ${d.order.send_amount.toLocaleString('en-US')}`.trim();
  const head = g
    ? md`*${d.order_id}* · ${g.stuck_reason} · ${g.team} · ${g.priority} · ${money} (AED ${Math.round(g.amount_aed).toLocaleString('en-US')}) · ${d.order.hours} h`
    : md`*${d.order_id}* · ${money} · ${d.order.hours} h`;
  const flags = [
    g?.high_value ? ':warning: High value — supervisor approval needed for refunds and status corrections' : '',
    g?.customer_impact ? ":warning: Customer impact — the customer's money is held" : '',
  ].filter(Boolean);
  const ticketLine = ticket
    ? md`Ticket: ${ticket.agent_email === askedBy.email ? 'yours' : `assigned to ${ticket.agent_email}`} (${ticket.status}, assigned ${ticket.assigned_at})`
    : "Ticket: none (not in anyone's queue)";
  const blocks: SlackPost['blocks'] = [section([head, ...flags, ticketLine].join('\n'))];
  if (g) {
    blocks.push(section(md`*What is wrong*\n${g.summary}`));
    blocks.push(section(md`*What to do* (${g.runbook})\n${g.action}\nEscalate to ${g.escalation}; SLA ${g.sla_hours} h`));
    if (g.disqualification) blocks.push(section(md`*Disqualified:* ${g.disqualification.reason} — ${g.disqualification.explain}`));
  } else blocks.push(section(md`Not a stuck order: ${d.not_a_candidate ?? 'no diagnosis'}`));
  const rows = d.timeline
    .slice(-TIMELINE_ROWS)
    .map((e) => [e.at.slice(0, 16).replace('T', ' '), e.system, e.event === 'created' ? 'created' : 'updated', e.status ?? '—']);
  if (rows.length) blocks.push(section(`*Timeline (UTC)*\n${codeTable(['when', 'system', 'event', 'status'], rows)}`));
  const notes = [md`Customer details masked`, ...d.warnings.slice(0, 5).map((w) => md`:warning: ${w}`)];
  blocks.push(context(notes.join('\n')));
  if (ticket && ticket.status !== 'RESOLVED' && ticket.agent_email === askedBy.email) blocks.push(ticketButtons(d.order_id));
  const fitted = fitToLimits({ title: `Order ${d.order_id}`, text: `Order ${d.order_id}`, blocks, thread: [] });
  return { text: md`Order ${d.order_id}: ${g ? `${g.stuck_reason}, ${g.priority}` : 'not stuck'}`, blocks: fitted.blocks };
}

/** The answer to `@ecm ORD-…`: the order's diagnosis through the gateway, or the gateway's reason it has none. */
export async function orderAnswer(d: TicketActionDeps, agent: Agent, orderId: string): Promise<SlackPost> {
  const { orderDetailsSchema } = await import('@ecm/gateway');
  const gateway = await openGatewayFor(d, agent);
  try {
    const result = await callGatewayTool(gateway, 'ecm_order_details', { order_id: orderId, reveal_pii: false }, orderDetailsSchema);
    if (!result.ok) {
      return { text: `Order ${orderId}: no answer`, blocks: [section(md`Order ${orderId}: ${result.message}`)] };
    }
    return renderOrderAnswer(result.value, await d.tickets.getTicket(orderId), agent);
  } finally {
    await gateway.close();
  }
}
