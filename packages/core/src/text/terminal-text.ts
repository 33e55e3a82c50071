/**
 * Text from data (warehouse values, notes, reasons, agent names) printed on a terminal. An escape
 * sequence in a value would otherwise be executed: clear the screen, set the window title, hide a
 * link, move the cursor over what was printed before.
 */

// ESC-introduced sequences: OSC (… BEL or ST), DCS/SOS/PM/APC (… ST), CSI, and two-character escapes.
const ESC_SEQUENCE = /\u001b(?:\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|\[[0-?]*[ -/]*[@-~]?|[ -/]*[0-~]?)/g;
// The same sequences introduced by their 8-bit C1 forms (CSI U+009B, OSC U+009D, DCS U+0090, …).
const C1_SEQUENCE = /\u009b[0-?]*[ -/]*[@-~]?|[\u009d\u0090\u0098\u009e\u009f][^\u0007\u009c\u001b]*(?:\u0007|\u009c)?/g;
// C0 except tab and newline, DEL, C1; bidi embeddings, overrides and isolates (text that reads reversed).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text with every control character and escape sequence removed; newlines and tabs stay. */
export function stripControls(text: string): string {
  return text.replace(ESC_SEQUENCE, '').replace(C1_SEQUENCE, '').replace(CONTROL, '');
}

/** stripControls for one table cell or line: newlines and tabs become spaces too. */
export function oneLine(text: string): string {
  return stripControls(text).replace(/[\t\n]+/g, ' ');
}

/** oneLine through every string of a value (a view model built from data), shape kept. */
export function terminalSafeDeep<T>(value: T, depth = 0): T {
  if (depth > 50) return value;
  if (typeof value === 'string') return oneLine(value) as T;
  if (Array.isArray(value)) return value.map((v) => terminalSafeDeep(v, depth + 1)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terminalSafeDeep(v, depth + 1)])) as T;
  }
  return value;
}
