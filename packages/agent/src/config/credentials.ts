/** How the runtime authenticates to the Messages API, read from the environment. */
export type LlmCredentials =
  | { readonly ok: true; readonly apiKey: string | null; readonly authToken: string | null; readonly baseURL: string | null }
  | { readonly ok: false; readonly reason: string };

export function readCredentials(env: NodeJS.ProcessEnv = process.env): LlmCredentials {
  const apiKey = env.ANTHROPIC_API_KEY?.trim() || null;
  const authToken = env.ANTHROPIC_AUTH_TOKEN?.trim() || null;
  const baseURL = env.ANTHROPIC_BASE_URL?.trim() || null;
  if (!apiKey && !authToken) return { ok: false, reason: 'no ANTHROPIC_API_KEY set' };
  // The SDK prefers the key when both are set; pass only one so it never guesses.
  return { ok: true, apiKey, authToken: apiKey ? null : authToken, baseURL };
}
