/**
 * A figure written in model text. `value` is what it says (multipliers applied, sign dropped),
 * `precision` the size of its last written digit (1 for "1,234", 1000 for "276K", 0.1 for "12.5%").
 */
export type Claim =
  | { readonly kind: 'number'; readonly text: string; readonly value: number; readonly precision: number; readonly percent: boolean }
  /** Identifier-like text with digits (order IDs, dates, times): must appear verbatim in the facts. */
  | { readonly kind: 'token'; readonly text: string };

const MULTIPLIERS: Record<string, number> = { k: 1e3, K: 1e3, m: 1e6, M: 1e6, b: 1e9, B: 1e9, bn: 1e9 };
const WORD_CHAR = /[A-Za-z0-9_]/;
// Codes with digits: ORD-2026-000123, FTV12345678, 2026-02-17, SINGHAI_2025_V2. Plain numbers with a
// multiplier or unit ("276K", "36h") are figures, not codes.
const ID_TOKEN = /(?<![\w-])(?=[\w-]*\d{3})(?=[\w-]*[A-Za-z_-])[A-Za-z0-9][\w-]*[A-Za-z0-9](?![\w-])/g;
const FIGURE_WITH_SUFFIX = /^\d+(?:\.\d+)?(?:bn|[kKmMbB]|h|hrs?|hours?|mins?|d|days?|x)$/;
const TIME = /(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?![\w:])/g;
const NUMBER = /(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/y;
const UNIT_AFTER = /^(?:h|hrs?|hours?|mins?|d|days?|x)(?![A-Za-z0-9_])/;
/** "AED12,345": a currency code glued to a figure still leaves a figure to check. */
const CURRENCY_BEFORE = /(?:^|[^A-Za-z0-9_])(?:AED|GBP|EUR|INR|USD|Rs)$/;
const LIST_MARKER = /^\s*(?:[-*•‣◦]|\d{1,2}[.)])\s+/gm;

function decimalsOf(digits: string): number {
  const dot = digits.indexOf('.');
  return dot < 0 ? 0 : digits.length - dot - 1;
}

/** Every figure and digit-bearing code in `text`, in order of appearance. */
export function extractClaims(input: string): Claim[] {
  const text = input.replace(LIST_MARKER, (m) => ' '.repeat(m.length));
  const claims: { at: number; claim: Claim }[] = [];
  const covered = new Array<boolean>(text.length).fill(false);
  const cover = (from: number, to: number) => {
    for (let i = from; i < to; i++) covered[i] = true;
  };

  for (const re of [ID_TOKEN, TIME]) {
    for (const m of text.matchAll(re)) {
      if (re === ID_TOKEN && (FIGURE_WITH_SUFFIX.test(m[0]) || /^(?:AED|GBP|EUR|INR|USD|Rs)\d+(?:\.\d+)?$/.test(m[0]))) continue;
      if (covered[m.index]) continue;
      claims.push({ at: m.index, claim: { kind: 'token', text: m[0] } });
      cover(m.index, m.index + m[0].length);
    }
  }

  for (let i = 0; i < text.length; i++) {
    if (covered[i] || !/\d/.test(text[i]!)) continue;
    const before = text[i - 1];
    const currencyGlued = CURRENCY_BEFORE.test(text.slice(Math.max(0, i - 4), i));
    if (before !== undefined && !currencyGlued && (WORD_CHAR.test(before) || before === '.')) {
      // Digits inside a word (P1, V4, 24_hrs): skip the rest of that word.
      while (i + 1 < text.length && WORD_CHAR.test(text[i + 1]!)) i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) continue;
    const digits = m[0];
    let end = i + digits.length;
    const rest = text.slice(end);
    let multiplier = 1;
    let percent = false;
    const mult = /^(bn|[kKmMbB])(?![A-Za-z0-9_])/.exec(rest);
    const pct = /^\s?%/.exec(rest);
    const unit = UNIT_AFTER.exec(rest);
    if (mult) {
      multiplier = MULTIPLIERS[mult[1]!]!;
      end += mult[0].length;
    } else if (pct) {
      percent = true;
      end += pct[0].length;
    } else if (unit) {
      end += unit[0].length;
    } else if (rest[0] !== undefined && WORD_CHAR.test(rest[0])) {
      i = end;
      while (i + 1 < text.length && WORD_CHAR.test(text[i + 1]!)) i++;
      continue;
    }
    const value = Number(digits.replace(/,/g, '')) * multiplier;
    const precision = 10 ** -decimalsOf(digits) * multiplier;
    claims.push({ at: i, claim: { kind: 'number', text: text.slice(i, end).trim(), value, precision, percent } });
    cover(i, end);
    i = end - 1;
  }
  return claims.sort((a, b) => a.at - b.at).map((c) => c.claim);
}
