import { notice, parseAsOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { callField } from '../gateway/field-tools.js';
import { renderHeader, renderQueue, renderStats } from '../render/my-tickets-view.js';
import { styleFor } from '../render/style.js';
import { withFieldTools } from '../session/field-connection.js';
import { printJson, type AgentOptions } from './options.js';

export async function myTicketsCommand(options: AgentOptions): Promise<number> {
  const now = parseAsOf(options.asOf);
  // The queue shows each order's live status: the warehouse is needed from the start.
  const q = await withFieldTools({ command: 'my-tickets', agentFlag: options.agent, now, warehouse: 'eager' }, (c) =>
    callField(c.client, 'field_my_queue', { as_of: now.toISOString() }),
  );
  if (options.json) {
    const { as_of_label: _label, time_zone: _tz, ...rest } = q;
    printJson({ ...rest, agent: { email: q.agent.email, name: q.agent.name, team: q.agent.team, role: q.agent.role } });
    return EXIT.ok;
  }
  const style = styleFor(process.stdout);
  const { renderChecklist } = await import('../render/checklist.js');
  const out = [renderHeader(q.agent, q.open, q.as_of_label, style)];
  if (q.tickets.length === 0) out.push('No open tickets assigned to you.');
  else out.push('', renderQueue(q.tickets, style));
  const done = q.completed_meanwhile;
  if (done > 0)
    out.push(
      '',
      style.green(
        `${done} order${done === 1 ? ' has' : 's have'} completed since assignment — resolve ${done === 1 ? 'it' : 'them'} first, it takes a minute.`,
      ),
    );
  if (q.checklist.length) out.push('', renderChecklist(q.checklist));
  out.push('', renderStats(q.stats));
  process.stdout.write(`${out.join('\n')}\n`);
  if (q.live_status !== 'ok')
    notice(`Live order status unavailable (${q.live_status.replace(/^unavailable: /, '')}); the GOMS NOW column is empty.`);
  return EXIT.ok;
}
