/**
 * What was thrown, as text: an Error's message, else the value itself. The one place a caught value
 * becomes words (callers that show it to people mask it first: `describeError` in cli-kit).
 */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
