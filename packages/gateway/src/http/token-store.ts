import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StateQueryable } from '@ecm/core/stores';
import type { TicketStore } from '@ecm/core/domain';
import { z } from 'zod';

/**
 * Personal bearer tokens for the HTTP gateway, issued to agents by a lead (`ecm-gateway tokens`).
 * Only the SHA-256 of a token is stored; the token itself is shown once, when issued. This module
 * owns the `gateway_tokens` table and creates it; nothing else reads or writes it.
 */
export const GATEWAY_TOKENS_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS gateway_tokens (
    id text PRIMARY KEY,
    agent_email text NOT NULL,
    token_sha256 text NOT NULL UNIQUE,
    issued_at timestamptz NOT NULL,
    issued_by text NOT NULL,
    revoked_at timestamptz
  )`,
  `CREATE INDEX IF NOT EXISTS gateway_tokens_agent ON gateway_tokens (agent_email)`,
];

/** Token text: a prefix that says what it is, then 32 random bytes. */
const TOKEN_PREFIX = 'ecmt_';
const TOKEN_SHAPE = /^ecmt_[A-Za-z0-9_-]{43}$/;
const ID_SHAPE = /^tok_[0-9a-f]{12}$/;

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const when = z.union([z.date(), z.string()]).transform((v) => new Date(v).toISOString());

const tokenRow = z.object({
  id: z.string(),
  agent_email: z.string(),
  issued_at: when,
  issued_by: z.string(),
  revoked_at: when.nullable(),
});
/** A stored token as `tokens list` shows it: never the token or its hash. */
export type TokenRecord = z.infer<typeof tokenRow>;

export class TokenRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRefused';
  }
}

export interface IssuedToken {
  readonly id: string;
  readonly agent_email: string;
  /** Shown once; only its hash is kept. */
  readonly token: string;
}

export class StoredTokens {
  #ready: Promise<void> | null = null;

  constructor(private readonly db: StateQueryable) {}

  /** Creates the table once per process. */
  ensureSchema(): Promise<void> {
    this.#ready ??= (async () => {
      for (const sql of GATEWAY_TOKENS_SCHEMA) await this.db.query(sql);
    })().catch((err: unknown) => {
      this.#ready = null;
      throw err;
    });
    return this.#ready;
  }

  /** A new token for an active agent of the roster; an unknown or inactive agent gets none. */
  async issue(agentEmail: string, roster: TicketStore, issuedBy: string, now = new Date()): Promise<IssuedToken> {
    const email = agentEmail.trim().toLowerCase();
    const agent = (await roster.listAgents()).find((a) => a.email.toLowerCase() === email);
    if (!agent)
      throw new TokenRefused(
        `${email} is not an agent in ${roster.label}; add the agent first (ecm-manager agents add ${email} --name "…" --team …)`,
      );
    if (!agent.active) throw new TokenRefused(`${agent.email} is inactive in the Agents tab; re-activate the agent before issuing a token`);
    await this.ensureSchema();
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = `tok_${randomBytes(6).toString('hex')}`;
    await this.db.query('INSERT INTO gateway_tokens (id, agent_email, token_sha256, issued_at, issued_by) VALUES ($1, $2, $3, $4, $5)', [
      id,
      agent.email.toLowerCase(),
      sha256(token),
      now.toISOString(),
      issuedBy,
    ]);
    return { id, agent_email: agent.email.toLowerCase(), token };
  }

  async list(): Promise<TokenRecord[]> {
    await this.ensureSchema();
    const rows = await this.db.query('SELECT id, agent_email, issued_at, issued_by, revoked_at FROM gateway_tokens ORDER BY issued_at, id');
    return rows.map((r) => tokenRow.parse(r));
  }

  /** Revokes one token by its id, or every active token of an agent by e-mail. Returns the ids revoked. */
  async revoke(idOrEmail: string, now = new Date()): Promise<string[]> {
    await this.ensureSchema();
    const key = idOrEmail.trim().toLowerCase();
    if (!ID_SHAPE.test(key) && !key.includes('@'))
      throw new TokenRefused(`"${idOrEmail}" is neither a token id (tok_…, see ecm-gateway tokens list) nor an agent's e-mail`);
    const column = ID_SHAPE.test(key) ? 'id' : 'agent_email';
    const rows = await this.db.query(`UPDATE gateway_tokens SET revoked_at = $2 WHERE ${column} = $1 AND revoked_at IS NULL RETURNING id`, [
      key,
      now.toISOString(),
    ]);
    return rows.map((r) => String(r.id));
  }

  async hasActive(): Promise<boolean> {
    await this.ensureSchema();
    return (await this.db.query('SELECT 1 FROM gateway_tokens WHERE revoked_at IS NULL LIMIT 1')).length > 0;
  }

  /**
   * The subject of a valid, unrevoked token, read from the store on every call: a revocation
   * counts from the next request. The hash is looked up, then compared in constant time.
   */
  async verify(token: string): Promise<{ subject: string; id: string } | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    await this.ensureSchema();
    const digest = sha256(token);
    const rows = await this.db.query(
      'SELECT id, agent_email, token_sha256 FROM gateway_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL',
      [digest],
    );
    const row = rows[0];
    if (!row) return undefined;
    const stored = Buffer.from(String(row.token_sha256), 'hex');
    const given = Buffer.from(digest, 'hex');
    if (stored.length !== given.length || !timingSafeEqual(stored, given)) return undefined;
    return { subject: String(row.agent_email), id: String(row.id) };
  }
}
