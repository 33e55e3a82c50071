import { escalationRow, ticketSlaOutcome, type SlaOutcome, type Ticket, type TicketStore } from '@ecm/core/domain';
import { refreshDailyStats } from '@ecm/core/stores';
import { z } from 'zod';
import type { GatewayContext } from '../gateway-context.js';
import { orderTimeline } from '../orders/order-details.js';
import { defineTool } from './define-tool.js';
import { requireAgent, storeCall, ticketAnnotations, ticketOutput, withSla } from './ticket-tool-parts.js';
import { orderIdInput } from './tool-inputs.js';
import { ToolError } from './tool-error.js';
import { errorText } from '@ecm/core/text';

async function orderStatus(ctx: GatewayContext, id: string): Promise<string> {
  try {
    const timeline = await orderTimeline(ctx, id);
    if (!timeline) return 'NOT_IN_WAREHOUSE';
    return [timeline.order.status, timeline.order.sub_state].filter(Boolean).join(' / ') || 'UNKNOWN';
  } catch (err) {
    ctx.log.warn({ order_id: id, error: errorText(err) }, 'order status unavailable for an escalation');
    return 'UNKNOWN (warehouse unavailable)';
  }
}

async function ownTicket(store: TicketStore, id: string, agent: string): Promise<Ticket> {
  const ticket = await storeCall(() => store.getTicket(id));
  if (!ticket) throw new ToolError(`Order ${id} has no ticket.`);
  // The store enforces this too; checking here first keeps the refusal independent of the backend.
  if (ticket.agent_email.toLowerCase() !== agent)
    throw new ToolError(`Order ${id} is assigned to ${ticket.agent_email}, not to ${agent}; an agent may only change its own tickets.`);
  if (ticket.status === 'RESOLVED') throw new ToolError(`Order ${id} was already resolved.`);
  return ticket;
}

export const ticketsUpdate = defineTool({
  name: 'tickets_update',
  title: "Update one of the calling agent's tickets",
  description: [
    "Changes one ticket in the ECM ticket store, only if it is assigned to the calling agent (the HTTP token's subject, or the agent configured for stdio). Never touches the warehouse.",
    "`action`: 'start' (IN_PROGRESS), 'reopen' (back to OPEN), 'resolve' (needs `notes`; records a resolution with the SLA outcome and the feedback answers, defaults CORRECT / YES / AGENT_RESOLVED), or 'escalate' (needs `reason`; records an escalation).",
    'Resolving or escalating cannot be undone with this tool. A resolved ticket cannot be changed.',
  ].join(' '),
  input: {
    order_id: orderIdInput,
    action: z.enum(['start', 'reopen', 'resolve', 'escalate']),
    notes: z.string().max(2000).optional().describe('Resolution notes (required to resolve)'),
    reason: z.string().max(2000).optional().describe('Why the ticket is escalated (required to escalate)'),
    diagnosis_match: z.enum(['CORRECT', 'PARTIAL', 'WRONG']).default('CORRECT'),
    action_followed: z.enum(['YES', 'MODIFIED', 'IGNORED']).default('YES'),
    resolution_type: z.enum(['AGENT_RESOLVED', 'ESCALATED_RESOLVED', 'FALSE_POSITIVE']).default('AGENT_RESOLVED'),
  },
  output: {
    action: z.string(),
    ticket: ticketOutput,
    resolution: z
      .object({ resolution_minutes: z.number(), sla_target_minutes: z.number(), sla_status: z.enum(['MET', 'MISSED']) })
      .nullable(),
  },
  annotations: ticketAnnotations(false),
  async run(ctx, args, caller) {
    const agent = requireAgent(caller);
    const store = await ctx.tickets();
    const ticket = await ownTicket(store, args.order_id, agent);
    const now = ctx.now();
    let updated: Ticket;
    let resolution: SlaOutcome | null = null;
    switch (args.action) {
      case 'start':
      case 'reopen':
        updated = await storeCall(() => store.setTicketStatus(args.order_id, agent, args.action === 'start' ? 'IN_PROGRESS' : 'OPEN', now));
        break;
      case 'resolve': {
        const notes = args.notes?.trim();
        if (!notes) throw new ToolError('Resolving needs notes: say what was done.');
        resolution = ticketSlaOutcome(ctx.config, ticket, now);
        updated = await storeCall(() =>
          store.resolveTicket({
            resolved_at: now.toISOString(),
            order_id: ticket.order_id,
            agent_email: agent,
            notes,
            assigned_at: ticket.assigned_at,
            ...resolution!,
            stuck_reason: ticket.diagnosis,
            amount: ticket.amount,
            currency: ticket.currency,
            diagnosis_match: args.diagnosis_match,
            action_followed: args.action_followed,
            resolution_type: args.resolution_type,
          }),
        );
        break;
      }
      case 'escalate': {
        const reason = args.reason?.trim();
        if (!reason) throw new ToolError('Escalating needs a reason: say what is blocked and who must act.');
        const status = await orderStatus(ctx, ticket.order_id);
        updated = await storeCall(() => store.escalateTicket(escalationRow(ticket, { by: agent, reason, orderStatus: status, at: now })));
        break;
      }
    }
    if (args.action === 'resolve' || args.action === 'escalate') {
      // The Daily Stats count resolutions and escalations; the change itself is recorded either way.
      await refreshDailyStats(ctx.config, store, now).catch((err: unknown) =>
        ctx.log.warn({ error: errorText(err) }, 'daily stats not updated'),
      );
    }
    const out = withSla(ctx, updated, now);
    const sla = resolution
      ? `; ${resolution.resolution_minutes} min against an SLA of ${resolution.sla_target_minutes} min: ${resolution.sla_status}`
      : '';
    return {
      structured: { action: args.action, ticket: out, resolution },
      text: `Order ${out.order_id} is now ${out.status} (${args.action} by ${agent})${sla}.`,
    };
  },
});
