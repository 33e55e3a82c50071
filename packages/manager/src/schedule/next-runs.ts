import type { Settings } from '@ecm/core/domain';
import { parseCron, runsOnDate } from './cron-expression.js';
import { formatOffset, instantOfWallTime, offsetMinutesAt, wallTimeAt } from './zone-time.js';

export type ScheduledJob = Settings['schedule'][number];

const DAY_MS = 86_400_000;
/** Far enough back to find a 29 February through a century year that is not a leap year. */
const SEARCH_DAYS = 366 * 9;

/**
 * The most recent time at or before `now` at which the job's cron expression fired in its time
 * zone, or null if it never fires (e.g. "0 0 31 2 *"). `health` compares it with the last run.
 */
export function lastScheduledSlot(job: ScheduledJob, now: Date): Date | null {
  const cron = parseCron(job.cron);
  const today = wallTimeAt(job.time_zone, now);
  const todayMs = Date.UTC(today.year, today.month - 1, today.day);
  for (let back = 0; back < SEARCH_DAYS; back++) {
    const date = new Date(todayMs - back * DAY_MS);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    if (!runsOnDate(cron, year, month, day)) continue;
    // Every slot of the day, not just the first below `now`: on a spring-forward day a skipped
    // wall time lands after later ones, so wall order and instant order can differ.
    let latest: number | null = null;
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        const at = instantOfWallTime(job.time_zone, { year, month, day, hour, minute }).getTime();
        if (at <= now.getTime() && (latest === null || at > latest)) latest = at;
      }
    }
    if (latest !== null) return new Date(latest);
  }
  return null;
}

/** The identity of one scheduled run, in the job's own zone: `daily@2026-02-17T07:00+05:30`. */
export function runKeyFor(job: Pick<ScheduledJob, 'name' | 'time_zone'>, slot: Date): string {
  const wall = wallTimeAt(job.time_zone, slot);
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = formatOffset(offsetMinutesAt(job.time_zone, slot));
  return `${job.name}@${wall.year}-${two(wall.month)}-${two(wall.day)}T${two(wall.hour)}:${two(wall.minute)}${offset}`;
}
