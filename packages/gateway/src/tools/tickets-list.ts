import { TICKET_STATUSES } from '@ecm/core/domain';
import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { email, requireAgent, storeCall, ticketAnnotations, ticketOutput, withSla } from './ticket-tool-parts.js';
import { orderIdInput } from './tool-inputs.js';

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
    order_ids: z.array(orderIdInput).min(1).max(500).optional(),
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
    const rows = tickets
      .map((t) => withSla(ctx, t, now))
      .sort((a, b) => (a.sla_remaining_hours ?? Infinity) - (b.sla_remaining_hours ?? Infinity) || a.order_id.localeCompare(b.order_id));
    const shown = rows.slice(0, args.limit);
    const who = agent ?? 'all agents';
    const lines = shown.map(
      (t) =>
        `${t.priority} ${t.order_id} ${t.status} ${t.diagnosis} — ${t.agent_email}, SLA ${t.sla_remaining_hours === null ? '?' : `${t.sla_remaining_hours} h left`}`,
    );
    return {
      structured: { agent: who, total: rows.length, returned: shown.length, tickets: shown },
      text: [`${rows.length} ticket${rows.length === 1 ? '' : 's'} (${statuses.join(', ')}) for ${who}`, ...lines].join('\n'),
    };
  },
});
