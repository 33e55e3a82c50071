/** Wall-clock time in an IANA time zone, from Intl alone (no time-zone library). */

export interface WallTime {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function fields(timeZone: string, instant: Date): WallTime & { second: number } {
  const out: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour!, minute: out.minute!, second: out.second! };
}

export function wallTimeAt(timeZone: string, instant: Date): WallTime {
  const { year, month, day, hour, minute } = fields(timeZone, instant);
  return { year, month, day, hour, minute };
}

/** The wall time's digits read as if they were UTC, in milliseconds: handy for arithmetic. */
export function wallTimeMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/** Minutes the zone is ahead of UTC at this instant (+330 for Asia/Kolkata). */
export function offsetMinutesAt(timeZone: string, instant: Date): number {
  const f = fields(timeZone, instant);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / MINUTE_MS);
}

/**
 * The instant a wall time happens in the zone. Around a DST change: a wall time that happens
 * twice gives the first; one that is skipped gives the instant the clock would show it had it not
 * jumped (01:30 on the London spring-forward day is 02:30 BST), as Kubernetes and Temporal do.
 */
export function instantOfWallTime(timeZone: string, wall: WallTime): Date {
  const naive = wallTimeMs(wall);
  const before = offsetMinutesAt(timeZone, new Date(naive - DAY_MS));
  const after = offsetMinutesAt(timeZone, new Date(naive + DAY_MS));
  const fits = (offset: number) => offsetMinutesAt(timeZone, new Date(naive - offset * MINUTE_MS)) === offset;
  const options = [...new Set([before, after])].filter(fits).map((offset) => naive - offset * MINUTE_MS);
  if (options.length > 0) return new Date(Math.min(...options));
  return new Date(naive - before * MINUTE_MS);
}

/** "+05:30", "-04:00", "+00:00". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
