/** The wall-clock reading of `at` in `timeZone` (month 1–12, hour 0–23). */
export function wallClock(
  at: Date,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Minutes east of UTC of `timeZone` at the instant `at`. */
function offsetMinutes(at: Date, timeZone: string): number {
  const t = wallClock(at, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant the calendar day containing `now` began in `timeZone` (e.g. IST midnight). */
export function startOfDay(now: Date, timeZone: string): Date {
  const local = new Date(now.getTime() + offsetMinutes(now, timeZone) * 60_000);
  const midnightAsUtc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  // The offset at midnight can differ from now's across a daylight-saving change.
  const guess = new Date(midnightAsUtc - offsetMinutes(now, timeZone) * 60_000);
  return new Date(midnightAsUtc - offsetMinutes(guess, timeZone) * 60_000);
}
