/**
 * Limits on what people type into tickets: resolution notes, escalation reasons, agent names. The
 * text ends up in a Slack message (40,000 characters at most, and a notification that cannot be
 * posted leaves an escalation unheard), in a Google Sheet cell and on colleagues' terminals, so it
 * has a length limit and no control characters (which could rewrite a terminal line or a CSV row).
 */

/** Resolution notes and escalation reasons. */
export const FREE_TEXT_MAX = 2_000;
/** An agent's display name. */
export const NAME_MAX = 100;

// C0 and C1 controls (newline and tab allowed where lines are), DEL, and the bidirectional
// overrides that make a terminal show text in a different order than it is stored.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
const CONTROL_OR_LINE_BREAK = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

export type TextCheck = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string };

function describeChar(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Trimmed `value`, or why it is refused: empty, longer than `max` characters, or holding a control
 * character. `lines` allows newlines and tabs (notes); names are one line.
 */
export function checkText(label: string, value: string, options: { max?: number; lines?: boolean } = {}): TextCheck {
  const max = options.max ?? FREE_TEXT_MAX;
  const text = value.trim();
  if (!text) return { ok: false, problem: `${label} is empty` };
  const length = [...text].length;
  if (length > max)
    return { ok: false, problem: `${label} is ${length.toLocaleString('en-US')} characters; the limit is ${max.toLocaleString('en-US')}` };
  const bad = (options.lines ? CONTROL : CONTROL_OR_LINE_BREAK).exec(text);
  if (bad) return { ok: false, problem: `${label} contains a control character (${describeChar(bad[0])}); type plain text` };
  return { ok: true, text };
}
