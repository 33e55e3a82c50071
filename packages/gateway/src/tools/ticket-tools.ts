import { escalationRow, HOUR_MS, slaHoursFor, ticketSlaOutcome, TICKET_STATUSES, TicketRuleError, type SlaOutcome, type Ticket, type TicketStore } from '@ecm/core/domain';
import { refreshDailyStats } from '@ecm/core/stores';
import { z } from 'zod';
import type { GatewayContext } from '../gateway-context.js';
import { fetchOrderTimeline } from '../orders/order-timeline.js';
import { defineTool, type ToolCaller } from './define-tool.js';
import { ToolError } from './tool-error.js';

const orderId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'an order id is letters, digits and - _ . :');
const email = z.string().min(3).max(254).regex(/^[^\s@]+@[^\s@]+$/, 'an email address');
const round1 = (n: number) => Math.round(n * 10) / 10;

const ticketOutput = z.object({
  order_id: z.string(),
  agent_email: z.string(),
  assigned_at: z.string(),
  status: z.enum(TICKET_STATUSES),
  priority: z.string(),
  currency: z.string(),
  amount: z.number(),
  hours_stuck: z.number(),
  diagnosis: z.string(),
  notes: z.string(),
  updated_at: z.string(),
  /** The reason's SLA (a reason no longer in the catalogue: assignment.default_sla_hours). */
  sla_hours: z.number(),
  /** SLA clock from assignment (§14): negative once breached. */
  sla_remaining_hours: z.number(),
});

function withSla(ctx: GatewayContext, t: Ticket, now: Date): z.input<typeof ticketOutput> {
  const slaHours = slaHoursFor(ctx.config, t.diagnosis);
  const since = (now.getTime() - new Date(t.assigned_at).getTime()) / HOUR_MS;
  return { ...t, sla_hours: slaHours, sla_remaining_hours: round1(slaHours - since) };
}

/** Ticket writes go to the ticket store only; its kind decides whether they leave this system. */
const ticketAnnotations = (readOnly: boolean) => (ctx: GatewayContext) => ({
  readOnlyHint: readOnly,
  destructiveHint: !readOnly,
  idempotentHint: readOnly,
  openWorldHint: ctx.ticketStoreKind === 'sheets',
});

function requireAgent(caller: ToolCaller): string {
  if (!caller.agentEmail) {
    throw new ToolError(
      caller.transport === 'http'
        ? 'This token names no agent, so it cannot change tickets; give the token a subject (agent@example.com:TOKEN in ECM_GATEWAY_TOKEN).'
        : 'No agent identity is configured for this gateway (ecm-gateway --agent EMAIL or ECM_AGENT_EMAIL), so it cannot change tickets.',
    );
  }
  return caller.agentEmail;
}

export const ticketsList = defineTool({
  name: 'tickets_list',
  title: 'List tickets',
  description: [
    'Lists tickets from the ECM ticket store with their SLA clock (hours left since assignment; negative when breached).',
    "`agent`: 'me' (default: the calling agent), an agent's email, or 'all'. `statuses` defaults to the open ones (OPEN, IN_PROGRESS, ESCALATED).",
    'At most `limit` tickets (default 100, maximum 500), most urgent SLA first. Read-only.',
  ].join(' '),
  input: {
    agent: z.union([z.literal('me'), z.literal('all'), email]).default('me'),
    statuses: z.array(z.enum(TICKET_STATUSES)).min(1).max(4).optional(),
    order_ids: z.array(orderId).min(1).max(500).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  },
  output: { agent: z.string(), total: z.number().int(), returned: z.number().int(), tickets: z.array(ticketOutput) },
  annotations: ticketAnnotations(true),
  async run(ctx, args, caller) {
    const store = await ctx.tickets();
    const agent = args.agent === 'me' ? requireAgent(caller) : args.agent === 'all' ? null : args.agent.toLowerCase();
    const statuses = args.statuses ?? ctx.config.settings.assignment.open_statuses;
    const tickets = await storeCall(() =>
      store.listTickets({ ...(agent ? { agentEmail: agent } : {}), statuses, ...(args.order_ids ? { orderIds: args.order_ids } : {}) }),
    );
    const now = ctx.now();
    const rows = tickets.map((t) => withSla(ctx, t, now)).sort((a, b) => (a.sla_remaining_hours ?? Infinity) - (b.sla_remaining_hours ?? Infinity) || a.order_id.localeCompare(b.order_id));
    const shown = rows.slice(0, args.limit);
    const who = agent ?? 'all agents';
    const lines = shown.map((t) => `${t.priority} ${t.order_id} ${t.status} ${t.diagnosis} — ${t.agent_email}, SLA ${t.sla_remaining_hours === null ? '?' : `${t.sla_remaining_hours} h left`}`);
    return {
      structured: { agent: who, total: rows.length, returned: shown.length, tickets: shown },
      text: [`${rows.length} ticket${rows.length === 1 ? '' : 's'} (${statuses.join(', ')}) for ${who}`, ...lines].join('\n'),
    };
  },
});

async function storeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TicketRuleError || (err as { name?: unknown }).name === 'TicketRuleError') throw new ToolError(`The ticket was not changed: ${(err as Error).message}.`);
    throw new ToolError(`The ticket store failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function orderStatus(ctx: GatewayContext, id: string): Promise<string> {
  try {
    const timeline = await fetchOrderTimeline(ctx, id);
    if (!timeline) return 'NOT_IN_WAREHOUSE';
    return [timeline.order.status, timeline.order.sub_state].filter(Boolean).join(' / ') || 'UNKNOWN';
  } catch (err) {
    ctx.log.warn({ order_id: id, error: err instanceof Error ? err.message : String(err) }, 'order status unavailable for an escalation');
    return 'UNKNOWN (warehouse unavailable)';
  }
}

async function ownTicket(store: TicketStore, id: string, agent: string): Promise<Ticket> {
  const ticket = await storeCall(() => store.getTicket(id));
  if (!ticket) throw new ToolError(`Order ${id} has no ticket.`);
  // The store enforces this too; checking here first keeps the refusal independent of the backend.
  if (ticket.agent_email.toLowerCase() !== agent) throw new ToolError(`Order ${id} is assigned to ${ticket.agent_email}, not to ${agent}; an agent may only change its own tickets.`);
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
    order_id: orderId,
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
    resolution: z.object({ resolution_minutes: z.number(), sla_target_minutes: z.number(), sla_status: z.enum(['MET', 'MISSED']) }).nullable(),
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
      await refreshDailyStats(ctx.config, store, now).catch((err: unknown) => ctx.log.warn({ error: err instanceof Error ? err.message : String(err) }, 'daily stats not updated'));
    }
    const out = withSla(ctx, updated, now);
    const sla = resolution ? `; ${resolution.resolution_minutes} min against an SLA of ${resolution.sla_target_minutes} min: ${resolution.sla_status}` : '';
    return { structured: { action: args.action, ticket: out, resolution }, text: `Order ${out.order_id} is now ${out.status} (${args.action} by ${agent})${sla}.` };
  },
});
