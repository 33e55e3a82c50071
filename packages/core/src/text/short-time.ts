/** "Feb 17 07:00 IST"-style short times in the reports' time zone. */
export function shortTime(iso: string | Date, timeZone: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.month} ${parts.day} ${parts.hour}:${parts.minute}`;
}

// Intl names these zones by offset ("GMT+5:30"); the people reading the reports use these names.
const ZONE_NAMES: Record<string, string> = {
  'Asia/Kolkata': 'IST',
  'Asia/Calcutta': 'IST',
  'Asia/Dubai': 'GST',
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
};

/** The name readers use for `timeZone` ("IST"), when it is one of the reports' usual zones. */
export const knownZoneName = (timeZone: string): string | undefined => ZONE_NAMES[timeZone];

export const zoneLabel = (timeZone: string): string => knownZoneName(timeZone) ?? timeZone;
