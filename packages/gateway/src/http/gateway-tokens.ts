import { createHash, timingSafeEqual } from 'node:crypto';

/** One accepted bearer token and the agent it acts for (null: may read, may not change tickets). */
interface TokenEntry {
  readonly digest: Buffer;
  readonly subject: string | null;
}

export const MIN_TOKEN_LENGTH = 16;

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

export class TokenConfigError extends Error {}

/**
 * The bearer tokens the HTTP transport accepts, from ECM_GATEWAY_TOKEN: one or more entries
 * separated by commas or whitespace, each either TOKEN or AGENT_EMAIL:TOKEN. The email is the
 * token's subject: the agent whose tickets its holder may change.
 */
export class GatewayTokens {
  readonly #entries: readonly TokenEntry[];

  private constructor(entries: readonly TokenEntry[]) {
    this.#entries = entries;
  }

  /** Null when the variable is unset or blank. Throws TokenConfigError on a malformed or short token. */
  static parse(value: string | undefined): GatewayTokens | null {
    const items = (value ?? '').split(/[\s,]+/).filter(Boolean);
    if (items.length === 0) return null;
    const entries = items.map((item, i): TokenEntry => {
      const m = /^([^\s:@]+@[^\s:@]+):(.+)$/.exec(item);
      const [subject, token] = m ? [m[1]!.toLowerCase(), m[2]!] : [null, item];
      if (token.length < MIN_TOKEN_LENGTH) {
        throw new TokenConfigError(
          `ECM_GATEWAY_TOKEN entry ${i + 1} is shorter than ${MIN_TOKEN_LENGTH} characters; use a long random token (e.g. openssl rand -hex 32)`,
        );
      }
      return { digest: digest(token), subject };
    });
    return new GatewayTokens(entries);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The matching entry's subject (possibly null), or undefined when no token matches. Constant time per entry. */
  verify(token: string): { subject: string | null } | undefined {
    const d = digest(token);
    let found: TokenEntry | undefined;
    for (const entry of this.#entries) if (timingSafeEqual(entry.digest, d) && !found) found = entry;
    return found ? { subject: found.subject } : undefined;
  }
}
