import type { OrderStatus } from '@ecm/core/warehouse';
import { notice, parseAsOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { claimIdentity } from '../identity/agent-identity.js';
import { renderHeader, renderQueue, renderStats } from '../render/my-tickets-view.js';
import { styleFor } from '../render/style.js';
import { withSession } from '../session/field-session.js';
import { buildQueue, startOfDay, todayStats } from '../tickets/my-queue.js';
import { printJson, type AgentOptions } from './options.js';
import { fetchOrderStatuses } from '@ecm/core/warehouse';
import { formatReportTime } from '@ecm/core/slack';

export async function myTicketsCommand(options: AgentOptions): Promise<number> {
  const now = parseAsOf(options.asOf);
  const identity = await claimIdentity(options.agent);
  return withSession({ command: 'my-tickets', identity, now, warehouse: 'lazy' }, async (s) => {
    const { settings } = s.config;
    const tickets = await s.tickets.listTickets({ agentEmail: s.agent.email, statuses: settings.assignment.open_statuses });
    const since = startOfDay(now, settings.reports.time_zone);
    const [resolutions, escalations] = await Promise.all([s.tickets.listResolutions(since), s.tickets.listEscalations(since)]);

    let live: Map<string, OrderStatus> | null = new Map();
    let liveProblem: string | null = null;
    if (tickets.length > 0) {
      try {
        live = await fetchOrderStatuses(await s.warehouse(), s.config, tickets.map((t) => t.order_id));
      } catch (err) {
        // The queue itself is still right; only the live column is missing.
        live = null;
        liveProblem = (err as Error).message;
      }
    }
    const queue = buildQueue(s.config, tickets, live, now);
    const stats = todayStats(s.agent.email, resolutions, escalations, since);
    const { loadChecklist, renderChecklist } = await import('../proposals/fix-checklist.js');
    const checklist = await loadChecklist(s.state, tickets.map((t) => t.order_id));

    if (options.json) {
      printJson({
        agent: { email: s.agent.email, name: s.agent.name, team: s.agent.team, role: s.agent.role },
        as_of: now.toISOString(),
        open: queue.length,
        completed_meanwhile: queue.filter((e) => e.completed).length,
        live_status: liveProblem ? `unavailable: ${liveProblem}` : 'ok',
        tickets: queue,
        stats,
        checklist,
      });
      return EXIT.ok;
    }
    const style = styleFor(process.stdout);
    const out = [renderHeader(s.agent, queue.length, formatReportTime(now, settings.reports.time_zone), style)];
    if (queue.length === 0) out.push('No open tickets assigned to you.');
    else out.push('', renderQueue(queue, style));
    const done = queue.filter((e) => e.completed).length;
    if (done > 0) out.push('', style.green(`${done} order${done === 1 ? ' has' : 's have'} completed since assignment — resolve ${done === 1 ? 'it' : 'them'} first, it takes a minute.`));
    if (checklist.length) out.push('', renderChecklist(checklist));
    out.push('', renderStats(stats));
    process.stdout.write(`${out.join('\n')}\n`);
    if (liveProblem) notice(`Live order status unavailable (${liveProblem}); the GOMS NOW column is empty.`);
    return EXIT.ok;
  });
}
