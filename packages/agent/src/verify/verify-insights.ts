import { extractClaims, type Claim } from './extract-numbers.js';

/** The numbers and texts a set of facts can support. */
interface FactIndex {
  readonly numbers: readonly number[];
  readonly texts: readonly string[];
}

/** Collects every number in the facts: numeric values, numeric strings and digits inside strings and keys. */
export function indexFacts(facts: unknown): FactIndex {
  const numbers = new Set<number>();
  const texts: string[] = [];
  const addText = (s: string) => {
    texts.push(s.toLowerCase());
    for (const m of s.matchAll(/\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g)) numbers.add(Number(m[0].replace(/,/g, '')));
  };
  const walk = (v: unknown, depth: number) => {
    if (depth > 50 || v === null || v === undefined) return;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) {
        numbers.add(Math.abs(v));
        texts.push(String(v));
      }
    } else if (typeof v === 'bigint') numbers.add(Math.abs(Number(v)));
    else if (typeof v === 'string') addText(v);
    else if (v instanceof Date) addText(v.toISOString());
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        addText(k);
        walk(x, depth + 1);
      }
    }
  };
  walk(facts, 0);
  return { numbers: [...numbers], texts };
}

/** `fact` written at the claim's precision, rounded or truncated, gives the claimed value. */
function writtenAs(fact: number, value: number, precision: number): boolean {
  const scaled = fact / precision;
  const target = value / precision;
  const same = (x: number) => Math.abs(x - target) < 1e-6;
  // The epsilon keeps 1.2 / 0.1 = 11.999… from truncating to 11.
  return same(Math.round(scaled)) || same(Math.trunc(scaled + 1e-9 * Math.max(1, Math.abs(scaled))));
}

export function isSupported(claim: Claim, facts: FactIndex): boolean {
  if (claim.kind === 'token') {
    const needle = claim.text.toLowerCase();
    return facts.texts.some((t) => t.includes(needle));
  }
  const value = Math.abs(claim.value);
  return facts.numbers.some(
    (f) => writtenAs(f, value, claim.precision) || (claim.percent && f <= 1 && writtenAs(f * 100, value, claim.precision)),
  );
}

export interface VerifiedInsights {
  readonly kept: string[];
  readonly dropped: { readonly text: string; readonly numbers: string[] }[];
}

/**
 * Keeps the bullets whose every figure the facts support ("276K", "1.2M", "70%", "1,234" and
 * "AED 12,345" are accepted when a fact rounds or truncates to them); drops the rest, naming the
 * unsupported figures.
 */
export function verifyInsights(bullets: readonly string[], facts: unknown): VerifiedInsights {
  const index = indexFacts(facts);
  const kept: string[] = [];
  const dropped: { text: string; numbers: string[] }[] = [];
  for (const text of bullets) {
    const unsupported = extractClaims(text)
      .filter((c) => !isSupported(c, index))
      .map((c) => c.text);
    if (unsupported.length) dropped.push({ text, numbers: unsupported });
    else kept.push(text);
  }
  return { kept, dropped };
}
