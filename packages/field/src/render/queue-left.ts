import type { QueueEntry } from '../tickets/my-queue.js';
import { formatMinutes } from '../tickets/sla-clock.js';
import { paintBand } from './my-tickets-view.js';
import type { Style } from './style.js';

/** What is left after a ticket leaves the queue: the count and the next few to work on. */
export function renderLeft(left: readonly QueueEntry[], style: Style, show = 3): string {
  if (left.length === 0) return 'Queue empty: no open tickets left.';
  const lines = [`${left.length} open ticket${left.length === 1 ? '' : 's'} left; next:`];
  for (const e of left.slice(0, show)) {
    lines.push(
      `  ${e.priority} ${e.order_id} ${e.stuck_reason} — SLA ${paintBand(style, e.sla.band, `${formatMinutes(e.sla.remaining_minutes)} ${e.sla.band}`)}`,
    );
  }
  return lines.join('\n');
}
