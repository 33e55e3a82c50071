import { z } from 'zod';

/**
 * What an order id may be: 1 to 64 printable ASCII letters, digits and `- _ . :`. Checked where an
 * id enters (the warehouse rows, the CLIs' arguments, the gateway's tools), so every id that reaches
 * a ticket can be typed back into `ecm-field order <id>` and is safe in Slack, CSV and a terminal.
 */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const ORDER_ID_RULE = '1 to 64 of A-Z a-z 0-9 - _ . :';

export function isOrderId(value: string): boolean {
  return ORDER_ID_PATTERN.test(value);
}

export const orderIdSchema = z.string().regex(ORDER_ID_PATTERN, `expected an order id of ${ORDER_ID_RULE}`);

/**
 * Any id as printable ASCII for a report or a JSON listing: non-printable or non-ASCII characters
 * become \u escapes and very long ids are cut, so a hostile id can be named without being echoed.
 */
export function printableOrderId(value: string, max = 80): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    out += code >= 0x20 && code < 0x7f ? ch : `\\u{${code.toString(16)}}`;
  }
  return out.length > max ? `${out.slice(0, max)}… (${[...value].length} characters)` : out;
}
