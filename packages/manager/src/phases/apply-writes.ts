import type { TicketStore } from '@ecm/core/domain';
import type { PhaseWrites } from './phase.js';
import { TicketRuleError } from '@ecm/core/domain';

/** Applies a plan's writes. Each is idempotent, so finishing a half-applied plan writes only what is missing. */
export async function applyWrites(tickets: TicketStore, writes: PhaseWrites): Promise<void> {
  for (const resolution of writes.self_healed ?? []) {
    try {
      await tickets.resolveTicket(resolution, { byAutomation: true });
    } catch (err) {
      // Already closed (by a person or by an earlier attempt of this run): nothing left to do.
      if (!(err instanceof TicketRuleError && (err.code === 'already_closed' || err.code === 'not_found'))) throw err;
    }
  }
  if (writes.tickets?.length) await tickets.createTickets(writes.tickets);
  if (writes.patterns?.length) await tickets.appendPatterns(writes.patterns);
  if (writes.daily_stats?.length) await tickets.writeDailyStats(writes.daily_stats);
}
