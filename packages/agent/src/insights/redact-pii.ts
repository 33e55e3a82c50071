import { maskContactDetails } from '@ecm/core/text';

const PII_KEYS = /^(full_name|customer_name|name|email|customer_email|phone|customer_phone|mobile)$/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

function maskText(s: string): string {
  return s.length <= 2 ? '*'.repeat(s.length) : `${s[0]}${'*'.repeat(Math.max(1, s.length - 2))}${s[s.length - 1]}`;
}

/**
 * Masks customer names, emails and phone numbers before facts go into a prompt or the execution log
 * (§12): values under PII keys, and any email address or phone number inside other strings.
 */
export function redactPii(value: unknown, depth = 0): unknown {
  if (depth > 50) return value;
  if (typeof value === 'string') return maskContactDetails(value.replace(EMAIL, (e) => maskText(e)));
  if (Array.isArray(value)) return value.map((v) => redactPii(v, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        PII_KEYS.test(k) && (typeof v === 'string' || typeof v === 'number') ? maskText(String(v)) : redactPii(v, depth + 1),
      ]),
    );
  }
  return value;
}
