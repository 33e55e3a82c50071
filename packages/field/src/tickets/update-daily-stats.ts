import { notice } from '../context.js';
import type { FieldSession } from '../session/field-session.js';
import { refreshDailyStats } from '@ecm/core/stores';
import { describeError } from '@ecm/core/cli-kit';

/**
 * Rewrites today's Daily Stats rows after a resolution or escalation. The ticket change is already
 * recorded, so a failure here is said, not fatal: the next change or run rewrites the day's rows.
 */
export async function updateDailyStats(s: FieldSession): Promise<void> {
  try {
    await refreshDailyStats(s.config, s.tickets, s.now);
  } catch (err) {
    notice(`The Daily Stats could not be updated (${describeError(err)}); the next change or run rewrites them.`);
  }
}
