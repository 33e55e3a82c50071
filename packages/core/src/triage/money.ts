/**
 * Exact money. Amounts travel as decimal strings ("9999999999999999.99", as the warehouse's
 * numeric(18,2) reads) and all arithmetic is on bigint minor units (hundredths), so no binary
 * fraction ever reaches a report: a double cannot hold 9,999,999,999,999,999.99 (it reads
 * 10,000,000,000,000,000), and sums of doubles drift further.
 */

/** A plain decimal as the warehouse and the configuration write it. No exponent, no NaN. */
export const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Minor units per major unit: two decimals, as numeric(18,2). */
const MINOR_DIGITS = 2;
const MINOR = 10n ** BigInt(MINOR_DIGITS);

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** Divides, rounding half away from zero (the way people and ledgers round money). */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (d * 2n);
  return negative ? -q : q;
}

/** A decimal as an exact fraction: digits / 10^scale. */
function fraction(text: string): { digits: bigint; scale: number } {
  const m = DECIMAL_PATTERN.exec(text.trim());
  if (!m) throw new MoneyError(`expected a decimal amount such as 1234.50, got ${JSON.stringify(text)}`);
  const [, sign, whole, decimals = ''] = m;
  const digits = BigInt(`${whole}${decimals}`);
  return { digits: sign ? -digits : digits, scale: decimals.length };
}

export function isDecimal(text: string): boolean {
  return DECIMAL_PATTERN.test(text.trim());
}

/** "1234.5" → 123450n (hundredths); more than two decimals round half away from zero. */
export function toMinorUnits(decimal: string): bigint {
  const { digits, scale } = fraction(decimal);
  if (scale <= MINOR_DIGITS) return digits * 10n ** BigInt(MINOR_DIGITS - scale);
  return divideRounded(digits, 10n ** BigInt(scale - MINOR_DIGITS));
}

/** 123450n → "1234.50". */
export function fromMinorUnits(minor: bigint): string {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / MINOR}.${String(abs % MINOR).padStart(MINOR_DIGITS, '0')}`;
}

/**
 * A configured rate (a YAML number such as 4.9) as an exact decimal. The shortest text that reads
 * back as the same double is what was written in the file, so 4.9 is 49/10, not 4.9000000000000003552.
 */
export function rateFraction(rate: number): { digits: bigint; scale: number } {
  if (!Number.isFinite(rate) || rate <= 0) throw new MoneyError(`expected a positive rate, got ${rate}`);
  const text = String(rate);
  if (/e/i.test(text)) {
    // 1e-7 or 1e21: write it out in full; toFixed covers the range a currency rate can have.
    return fraction(rate >= 1 ? BigInt(Math.round(rate)).toString() : rate.toFixed(20).replace(/0+$/, ''));
  }
  return fraction(text);
}

/** minor × rate, rounded to minor units: an exact conversion (e.g. GBP to AED at 4.9). */
export function convertMinorUnits(minor: bigint, rate: number): bigint {
  const r = rateFraction(rate);
  return divideRounded(minor * r.digits, 10n ** BigInt(r.scale));
}

export function sumMinorUnits(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/** A decimal string as a double, for comparisons with configured thresholds (score bands). */
export function approximate(decimal: string): number {
  return Number(decimal);
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Minor units for people: whole units rounded half away from zero with thousands separators
 * ("49,000,000,000,000,000"), or with `decimals: 2` every cent ("48,999,999,999,999,999.95").
 */
export function formatMinorUnits(minor: bigint, options: { decimals?: 0 | 2 } = {}): string {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  if (options.decimals === 2) return `${sign}${group(String(abs / MINOR))}.${String(abs % MINOR).padStart(MINOR_DIGITS, '0')}`;
  const whole = divideRounded(abs, MINOR);
  return `${whole === 0n ? '' : sign}${group(String(whole))}`;
}
