import { stuckOrderOf, stuckOrderSchema, TEAMS, type TriagedOrder } from '@ecm/core/domain';
import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { money, READ_ONLY } from './tool-inputs.js';
import { ToolError } from './tool-error.js';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export const ecmStuckOrders = defineTool({
  name: 'ecm_stuck_orders',
  title: 'Stuck orders, triaged',
  description: [
    "The triage engine's stuck orders at the current run time: each with its stuck reason, team, priority (P1 highest), score, age and the one-line action, highest score first.",
    'By default only actionable orders (not monitor-only, not disqualified); `scope` widens that. Filters: team, reason (a stuck reason name), priority, currency. At most `limit` orders (default 50, maximum 500); `total` counts every match.',
    'The triage result is reused for up to a minute. No customer data.',
  ].join(' '),
  input: {
    team: z.enum(TEAMS).optional(),
    reason: z.string().max(100).optional().describe('A stuck reason, e.g. refund_pending'),
    priority: z.enum(PRIORITIES).optional(),
    currency: z.string().max(8).optional(),
    scope: z.enum(['actionable', 'monitor_only', 'disqualified', 'all']).default('actionable'),
    limit: z.number().int().min(1).max(500).default(50),
  },
  output: { as_of: z.string(), total: z.number().int(), returned: z.number().int(), orders: z.array(stuckOrderSchema) },
  annotations: READ_ONLY,
  async run(ctx, args) {
    if (args.reason && !ctx.config.reasons.has(args.reason)) {
      throw new ToolError(`"${args.reason}" is not a stuck reason; known reasons: ${[...ctx.config.reasons.keys()].join(', ')}.`);
    }
    const { result } = await ctx.triage();
    const inScope = (o: TriagedOrder) =>
      args.scope === 'all' ||
      (args.scope === 'actionable' && o.actionable) ||
      (args.scope === 'monitor_only' && o.monitor_only && !o.disqualified) ||
      (args.scope === 'disqualified' && o.disqualified !== null);
    const currency = args.currency?.toUpperCase();
    const matches = result.orders.filter(
      (o) =>
        inScope(o) &&
        (!args.team || o.team === args.team) &&
        (!args.reason || o.stuck_reason === args.reason) &&
        (!args.priority || o.priority === args.priority) &&
        (!currency || o.currency === currency),
    );
    const orders = matches.slice(0, args.limit).map(stuckOrderOf);
    const lines = orders.map(
      (o) =>
        `${o.priority} ${o.order_id} ${o.stuck_reason} (${o.team}) ${money.format(o.send_amount)} ${o.currency}, ${o.hours} h — ${o.action}`,
    );
    const head = `${matches.length} ${args.scope === 'all' ? '' : `${args.scope.replace('_', '-')} `}stuck order${matches.length === 1 ? '' : 's'} at ${result.as_of}${matches.length > orders.length ? `; showing the first ${orders.length}` : ''}`;
    return {
      structured: { as_of: result.as_of, total: matches.length, returned: orders.length, orders },
      text: [head, ...lines].join('\n'),
    };
  },
});
