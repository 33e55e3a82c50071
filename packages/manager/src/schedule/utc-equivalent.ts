import { parseCron, runsEveryDay, type CronSchedule } from './cron-expression.js';
import { formatOffset, offsetMinutesAt } from './zone-time.js';

const DAY_MINUTES = 1440;

/** "0,1,2,3,7" → "0-3,7"; the whole range → "*". */
function cronList(values: readonly number[], min: number, max: number): string {
  if (values.length === max - min + 1) return '*';
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${values[i]}-${values[j]}` : values.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The same schedule as a UTC cron expression for a fixed offset, or null when one line cannot say
 * it (shifted times that are not a grid of hours × minutes, or that move restricted days).
 */
export function shiftToUtc(cron: CronSchedule, offsetMinutes: number): string | null {
  const shifted = new Set<number>();
  let crossesMidnight = false;
  for (const h of cron.hours) {
    for (const m of cron.minutes) {
      const t = h * 60 + m - offsetMinutes;
      if (t < 0 || t >= DAY_MINUTES) crossesMidnight = true;
      shifted.add(((t % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES);
    }
  }
  if (crossesMidnight && !runsEveryDay(cron)) return null;
  const hours = [...new Set([...shifted].map((t) => Math.floor(t / 60)))].sort((a, b) => a - b);
  const minutes = [...new Set([...shifted].map((t) => t % 60))].sort((a, b) => a - b);
  if (hours.length * minutes.length !== shifted.size) return null;
  const [, , dom, month, dow] = cron.source.trim().split(/\s+/);
  return `${cronList(minutes, 0, 59)} ${cronList(hours, 0, 23)} ${dom} ${month} ${dow}`;
}

/** The zone's distinct UTC offsets in a year (one, or two with daylight saving), in minutes. */
export function offsetsInYear(timeZone: string, year: number): number[] {
  const offsets = new Set<number>();
  for (let month = 0; month < 12; month++) offsets.add(offsetMinutesAt(timeZone, new Date(Date.UTC(year, month, 15))));
  return [...offsets].sort((a, b) => a - b);
}

/** A sentence for people: "UTC equivalent: 30 1 * * * (Asia/Kolkata is UTC+05:30 all year)". */
export function describeUtcEquivalent(expression: string, timeZone: string, year: number): string {
  const cron = parseCron(expression);
  const offsets = offsetsInYear(timeZone, year);
  const parts = offsets.map((offset) => ({ offset, utc: shiftToUtc(cron, offset) }));
  if (parts.length === 1) {
    const [{ offset, utc }] = parts as [(typeof parts)[number]];
    const zone = `${timeZone} is UTC${formatOffset(offset)} all year`;
    return utc ? `UTC equivalent: ${utc} (${zone})` : `no single UTC cron line is equivalent (${zone})`;
  }
  return `UTC equivalent changes with daylight saving: ${parts
    .map(({ offset, utc }) => `${utc ?? 'no single line'} while ${timeZone} is UTC${formatOffset(offset)}`)
    .join('; ')}`;
}
