/**
 * What was thrown, as text: an Error's message (its name when the message is empty), a plain object
 * as JSON (some libraries, PGlite's file system among them, throw those), else the value itself. The
 * one place a caught value becomes words; what people see is masked on top (`describeError`).
 */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'object' && err !== null) {
    try {
      return JSON.stringify(err);
    } catch {
      return Object.prototype.toString.call(err);
    }
  }
  return String(err);
}
