/**
 * Secrets out of every message, log line, tool result and alert. Connection strings reach error
 * messages in many shapes (a driver's error, a URL in "cannot open …", a libpq keyword string), so
 * the masking works on any text, not only on a URL that parses.
 */

export const SECRET_MASK = '***';

// scheme://user:password@host — the password up to the last @ before the host.
const USERINFO_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)([^\s/?#@]*(?:@[^\s/?#@]*)*)(@)/gi;
// password=…, sslpassword=…, pass=…, PGPASSWORD=… in a query string, an env fragment or a libpq keyword string.
const KEYED_SECRET = /(\b[A-Z_]*(?:PASSWORD|PASSWD|PASS|PWD)\b\s*=\s*)('[^']*'|"[^"]*"|[^\s&;,'")]+)/gi;
// "password": "…" in JSON.
const JSON_SECRET = /("[a-z_]*(?:password|passwd|pass|pwd)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** Values of the environment's connection strings and tokens: masked wherever they appear verbatim. */
function knownSecrets(env: NodeJS.ProcessEnv): string[] {
  const found = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (/_URL$/.test(name)) {
      try {
        const u = new URL(value);
        if (u.password) found.add(decodeURIComponent(u.password));
        for (const [key, v] of u.searchParams) if (/pass|pwd/i.test(key) && v) found.add(v);
      } catch {
        // not a URL: the patterns still apply
      }
    } else if (/(PASSWORD|TOKEN|SECRET|API_KEY)$/.test(name) && value.length >= 8) found.add(value);
  }
  // Short values would mask ordinary words; a password of 4+ characters is specific enough.
  return [...found].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text with every password masked: a URL's userinfo password, `password`/`sslpassword`/`pass`
 * keys (query string, `PGPASSWORD=`, libpq `password=…`, JSON) and, verbatim, the passwords and
 * tokens of this process's environment (ECM_WAREHOUSE_URL, ECM_STATE_URL, …).
 */
export function maskSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text
    .replace(USERINFO_PASSWORD, (_, head: string, password: string, at: string) =>
      password ? `${head}${SECRET_MASK}${at}` : `${head}${at}`,
    )
    .replace(KEYED_SECRET, (_, head: string) => `${head}${SECRET_MASK}`)
    .replace(JSON_SECRET, (_, head: string) => `${head}"${SECRET_MASK}"`);
  for (const secret of knownSecrets(env)) {
    out = out.replace(new RegExp(escapeRegExp(secret), 'g'), SECRET_MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.replace(new RegExp(escapeRegExp(encoded), 'g'), SECRET_MASK);
  }
  return out;
}

/** maskSecrets through a JSON-like value (log entries, tool inputs), keys kept. */
export function maskSecretsDeep<T>(value: T, env: NodeJS.ProcessEnv = process.env, depth = 0): T {
  if (depth > 50) return value;
  if (typeof value === 'string') return maskSecrets(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => maskSecretsDeep(v, env, depth + 1)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        /pass|pwd|secret|token|api_key/i.test(k) && typeof v === 'string' ? SECRET_MASK : maskSecretsDeep(v, env, depth + 1),
      ]),
    ) as T;
  }
  return value;
}
