import { z } from 'zod';
import type { OrderStatus } from '@ecm/core/warehouse';
import { callerAgent } from '../field/caller-agent.js';
import { buildQueue, startOfDay, todayStats } from '../field/my-queue.js';
import { defineTool } from './define-tool.js';
import { FIELD_OUTPUT, type FieldAnswer } from '../field/field-schemas.js';
import { fetchOrderStatuses } from '@ecm/core/warehouse';
import { formatReportTime } from '@ecm/core/slack';

/** field_my_queue: the calling agent's open tickets, most urgent first, with live status and today's stats. */
export const fieldMyQueue = defineTool({
  name: 'field_my_queue',
  title: 'My queue',
  description: [
    "The calling agent's open tickets, most urgent first (priority, then least SLA time left), each with its SLA band,",
    "the order's GOMS status now, and the next action; today's resolved/escalated counts; approved-fix checklist steps.",
    '`as_of` sets the time for the SLA clocks (default now). Read-only.',
  ].join(' '),
  input: { as_of: z.iso.datetime({ offset: true }).optional().describe('ISO time for the SLA clocks (default now)') },
  output: FIELD_OUTPUT.field_my_queue,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(ctx, args, caller) {
    const { agent, store } = await callerAgent(ctx, caller);
    const now = args.as_of ? new Date(args.as_of) : ctx.now();
    const { settings } = ctx.config;
    const tickets = await store.listTickets({ agentEmail: agent.email, statuses: settings.assignment.open_statuses });
    const since = startOfDay(now, settings.reports.time_zone);
    const [resolutions, escalations] = await Promise.all([store.listResolutions(since), store.listEscalations(since)]);
    let live: Map<string, OrderStatus> | null = new Map();
    let liveProblem: string | null = null;
    if (tickets.length > 0) {
      try {
        live = await fetchOrderStatuses(
          await ctx.warehouse(),
          ctx.config,
          tickets.map((t) => t.order_id),
        );
      } catch (err) {
        // The queue itself is still right; only the live column is missing.
        live = null;
        liveProblem = (err as Error).message;
      }
    }
    const queue = buildQueue(ctx.config, tickets, live, now);
    const stats = todayStats(agent.email, resolutions, escalations, since);
    let checklist: FieldAnswer<'field_my_queue'>['checklist'] = [];
    if (tickets.length) {
      const { checklistOf } = await import('@ecm/agent/state');
      const state = await ctx.agentState();
      checklist = await checklistOf(
        state,
        tickets.map((t) => t.order_id),
      );
    }
    const completed = queue.filter((e) => e.completed).length;
    return {
      structured: {
        agent,
        as_of: now.toISOString(),
        as_of_label: formatReportTime(now, settings.reports.time_zone),
        time_zone: settings.reports.time_zone,
        open: queue.length,
        completed_meanwhile: completed,
        live_status: liveProblem ? `unavailable: ${liveProblem}` : 'ok',
        tickets: queue,
        stats,
        checklist,
      },
      text: [
        `${queue.length} open ticket(s) for ${agent.email}`,
        ...queue.map((e) => `${e.priority} ${e.order_id} ${e.stuck_reason} ${e.sla.band} — ${e.next_action}`),
      ].join('\n'),
    };
  },
});
