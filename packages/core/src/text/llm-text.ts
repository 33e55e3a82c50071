import { escapeMrkdwn } from '../slack/mrkdwn.js';
import { stripControls } from './terminal-text.js';

/**
 * Text written by an LLM (or taken from data) is data, never markup: before it reaches Slack it is
 * escaped so it cannot mention, broadcast or link, and a line naming a customer's contact details
 * is dropped (§12). Nothing here throws: a strange answer costs a line, never the report.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
// International (+971 50 123 4567, +44 (20) 7946-0958) or local with a trunk 0 (050 123 4567, 04-123-4567).
const PHONE =
  /(?<![\w+.,/-])(?:\+\d{1,3}\)?[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}|\(?0\d{1,3}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4})(?![\w])/;
// @channel, @here, @everyone written bare: shown with a look-alike sign, so no client or bot turns them into pings.
const BARE_BROADCAST = /@(channel|here|everyone)\b/gi;

/**
 * The longest LLM-written line posted, in mrkdwn characters: five insight bullets stay inside one
 * section's 3,000 (insights and diagnoses are short by design; a runaway answer is cut, not fatal).
 */
export const MAX_LLM_LINE_CHARS = 500;

// Eight digits or more: shorter runs are amounts, counts and times, not phone numbers.
const isPhone = (match: string) => match.replace(/\D/g, '').length >= 8;

export function containsEmail(text: string): boolean {
  return EMAIL.test(text);
}

export function containsPhone(text: string): boolean {
  return [...text.matchAll(new RegExp(PHONE.source, 'g'))].some((m) => isPhone(m[0]));
}

/** The text with e-mail addresses and phone numbers replaced by a mark, for logs that must keep the rest. */
export function maskContactDetails(text: string): string {
  return text
    .replace(new RegExp(EMAIL.source, 'g'), '[e-mail]')
    .replace(new RegExp(PHONE.source, 'g'), (m) => (isPhone(m) ? '[phone]' : m));
}

/** A customer's contact detail in the text: an e-mail address or a phone number. */
export const containsContactDetail = (text: string): boolean => containsEmail(text) || containsPhone(text);

/** Escaped mrkdwn of at most `max` characters: the cut falls between characters, never inside `&amp;`. */
function escapeWithin(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const char of text) {
    const next = escapeMrkdwn(char);
    if (out.length + next.length > max - 1) break;
    out += next;
  }
  return `${out}…`;
}

/**
 * One line of LLM-written text as safe mrkdwn: control characters removed, cut to `max` characters,
 * `&`, `<`, `>` escaped (so `<@U…>`, `<!channel>`, `<#C…>` and `<url|label>` show as typed) and bare
 * `@channel`/`@here`/`@everyone` neutralised. Null when the line carries an e-mail or phone number.
 */
export function llmLineAsMrkdwn(line: string, max = MAX_LLM_LINE_CHARS): string | null {
  const text = stripControls(line)
    .replace(/[\t\n]+/g, ' ')
    .trim();
  if (containsContactDetail(text)) return null;
  return escapeWithin(text, max).replace(BARE_BROADCAST, '＠$1');
}

export interface SafeLlmLines {
  /** The lines that may be posted, as mrkdwn. */
  readonly lines: string[];
  /** How many lines were dropped for carrying contact details. */
  readonly dropped: number;
}

/** llmLineAsMrkdwn over several lines: empty lines and lines with contact details left out. */
export function llmLinesAsMrkdwn(lines: readonly string[], max = MAX_LLM_LINE_CHARS): SafeLlmLines {
  const kept: string[] = [];
  let dropped = 0;
  for (const line of lines) {
    const safe = llmLineAsMrkdwn(line, max);
    if (safe === null) dropped++;
    else if (safe) kept.push(safe);
  }
  return { lines: kept, dropped };
}
