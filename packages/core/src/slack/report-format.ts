import { knownZoneName } from '../text/short-time.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

const NOT_A_NUMBER = 'n/a';

/** 1234.4 → "1,234". */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? integer.format(value) : NOT_A_NUMBER;
}

const COMPACT_UNITS: readonly (readonly [number, string])[] = [
  [1e3, 'K'],
  [1e6, 'M'],
  [1e9, 'B'],
];

/** 1,234,567 → "1.2M", 276,000 → "276K", 950 → "950" (one decimal below 100 of a unit). */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (Math.round(abs) < 1000) return `${sign}${integer.format(abs)}`;
  let i = COMPACT_UNITS.findLastIndex(([unit]) => abs >= unit);
  if (i < 0) i = 0; // 999.5 and up: rounds to 1,000, shown as 1K
  for (;;) {
    const [unit, suffix] = COMPACT_UNITS[i] as readonly [number, string];
    const scaled = abs / unit;
    const digits = scaled < 100 ? 1 : 0;
    const rounded = Number(scaled.toFixed(digits));
    // 999,960 would read "1000K": promote to the next unit instead.
    if (rounded >= 1000 && i < COMPACT_UNITS.length - 1) {
      i++;
      continue;
    }
    return `${sign}${rounded.toLocaleString('en-US', { maximumFractionDigits: digits })}${suffix}`;
  }
}

/** 1234567.8 → "AED 1,234,568"; with `compact`, "AED 1.2M". */
export function formatAed(value: number, options: { compact?: boolean } = {}): string {
  return `AED ${options.compact ? formatCompact(value) : formatCount(value)}`;
}

/** A ratio as a percentage: 0.423 → "42%"; `digits` decimals; `signed` adds "+" for gains. */
export function formatPercent(ratio: number, options: { digits?: number; signed?: boolean } = {}): string {
  if (!Number.isFinite(ratio)) return NOT_A_NUMBER;
  const digits = options.digits ?? 0;
  const text = (ratio * 100).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${options.signed && ratio > 0 ? '+' : ''}${text}%`;
}

/** Hours stuck: 6.25 → "6.3h", 72.4 → "72h". */
export function formatHours(hours: number): string {
  if (!Number.isFinite(hours)) return NOT_A_NUMBER;
  return `${hours < 10 ? hours.toFixed(1) : integer.format(hours)}h`;
}

function zoneName(date: Date, timeZone: string): string {
  const known = knownZoneName(timeZone);
  if (known) return known;
  // en-GB knows the usual European abbreviations (GMT/BST, CET/CEST); others fall back to GMT±h.
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }).formatToParts(date);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** "Feb 17, 2026 07:00 IST": the time in the reports' time zone (config `reports.time_zone`). */
export function formatReportTime(date: Date, timeZone = 'Asia/Kolkata'): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('month')} ${part('day')}, ${part('year')} ${part('hour')}:${part('minute')} ${zoneName(date, timeZone)}`;
}

/** A report title as §10 writes it: ":bar_chart: *ECM Backlog* — Feb 17, 2026 07:00 IST". */
export function reportTitle(emoji: string, name: string, at?: { date: Date; timeZone: string }): string {
  const when = at ? ` — ${formatReportTime(at.date, at.timeZone)}` : '';
  return `:${emoji}: *${name}*${when}`;
}
