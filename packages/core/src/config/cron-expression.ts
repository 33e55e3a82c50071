/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week) in the subset the
 * schedule uses: numbers, `*`, lists, ranges and steps. Names (MON, JAN) and `@daily` are refused
 * rather than half-understood.
 */

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  // 7 is Sunday as well as 0.
  { name: 'day of week', min: 0, max: 7 },
];

export interface CronSchedule {
  readonly source: string;
  /** Sorted ascending, no duplicates. */
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  /** 0 = Sunday … 6 = Saturday. */
  readonly daysOfWeek: readonly number[];
  /** Whether the day-of-month / day-of-week field is a plain `*`. */
  readonly anyDayOfMonth: boolean;
  readonly anyDayOfWeek: boolean;
}

export class CronSyntaxError extends Error {
  constructor(expression: string, problem: string) {
    super(`cron expression "${expression}": ${problem}`);
    this.name = 'CronSyntaxError';
  }
}

function parseNumber(text: string, spec: FieldSpec, expression: string): number {
  if (!/^\d+$/.test(text))
    throw new CronSyntaxError(expression, `${spec.name} "${text}" is not a number (names and special strings are not supported)`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new CronSyntaxError(expression, `${spec.name} ${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

function parseField(text: string, spec: FieldSpec, expression: string): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (range === undefined || range === '' || extra !== undefined)
      throw new CronSyntaxError(expression, `${spec.name} "${part}" is not a value, range or step`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
        throw new CronSyntaxError(expression, `${spec.name} step "${stepText}" must be a positive number`);
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (range === '*') {
      low = spec.min;
      high = spec.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (a === undefined || b === undefined || more !== undefined)
        throw new CronSyntaxError(expression, `${spec.name} range "${range}" is malformed`);
      low = parseNumber(a, spec, expression);
      high = parseNumber(b, spec, expression);
      if (low > high) throw new CronSyntaxError(expression, `${spec.name} range "${range}" runs backwards`);
    } else {
      low = parseNumber(range, spec, expression);
      // "5/15" means from 5 to the end in steps of 15, as in cronie and Kubernetes.
      high = stepText === undefined ? low : spec.max;
    }
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new CronSyntaxError(expression, `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map((p, i) => parseField(p, FIELDS[i]!, expression)) as [
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  return {
    source: expression,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek: [...new Set(daysOfWeek.map((d) => d % 7))].sort((a, b) => a - b),
    anyDayOfMonth: parts[2] === '*',
    anyDayOfWeek: parts[4] === '*',
  };
}

/**
 * Whether the job runs on this calendar date. When both day fields are restricted, either one
 * matching is enough (the classic cron rule, kept by cronie and Kubernetes).
 */
export function runsOnDate(cron: CronSchedule, year: number, month: number, day: number): boolean {
  if (!cron.months.includes(month)) return false;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const domOk = cron.daysOfMonth.includes(day);
  const dowOk = cron.daysOfWeek.includes(weekday);
  if (cron.anyDayOfMonth && cron.anyDayOfWeek) return true;
  if (cron.anyDayOfMonth) return dowOk;
  if (cron.anyDayOfWeek) return domOk;
  return domOk || dowOk;
}

/** Whether the job runs every day of the year (only the time fields restrict it). */
export function runsEveryDay(cron: CronSchedule): boolean {
  return cron.anyDayOfMonth && cron.anyDayOfWeek && cron.months.length === 12;
}
