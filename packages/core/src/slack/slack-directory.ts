import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { StateDb } from '../state/state-db.js';

/**
 * Who is who on Slack: user ids from agents' e-mails (`users.lookupByEmail`) and direct-message
 * channels (`conversations.open`). Ids are cached in the state store (table `slack_users`, owned here)
 * and looked up again when a cached id stops working. Anything Slack cannot answer degrades to
 * "unknown" (null): a person is then named in plain text, and a run never fails because of it.
 */
export interface SlackDirectory {
  readonly kind: 'slack' | 'none';
  /** The Slack user id for an e-mail, or null when Slack does not know it (or Slack is not configured). */
  userId(email: string): Promise<string | null>;
  /** `<@U…>` when the user is known, else the fallback (a plain name). */
  mention(email: string, fallback: string): Promise<string>;
  /** The direct-message channel with this person, or null when none can be opened. */
  directChannel(email: string): Promise<string | null>;
}

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().trim().optional(),
  SLACK_API_URL: z.string().trim().optional(),
});

/** The directory for the configured Slack workspace; without SLACK_BOT_TOKEN nobody is known. */
export function openSlackDirectory(env: NodeJS.ProcessEnv, state: StateDb): SlackDirectory {
  const { SLACK_BOT_TOKEN: token, SLACK_API_URL: url } = envSchema.parse(env);
  if (!token) return NO_DIRECTORY;
  return new WebApiDirectory(token, url || undefined, state);
}

export const NO_DIRECTORY: SlackDirectory = {
  kind: 'none',
  userId: async () => null,
  mention: async (_email, fallback) => fallback,
  directChannel: async () => null,
};

/** Slack errors that mean "this person cannot be found or reached", as opposed to Slack being down. */
const UNKNOWN_USER = new Set([
  'users_not_found',
  'user_not_found',
  'account_inactive',
  'user_disabled',
  'cannot_dm_bot',
  'not_allowed_token_type',
  'missing_scope',
]);

const slackErrorCode = (err: unknown): string | null => {
  const data = (err as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : null;
};

class WebApiDirectory implements SlackDirectory {
  readonly kind = 'slack' as const;
  #client: Promise<WebClient> | null = null;
  /** One lookup per e-mail per process: a run naming one agent 40 times asks Slack once. */
  readonly #ids = new Map<string, Promise<string | null>>();
  readonly #dms = new Map<string, Promise<string | null>>();

  constructor(
    private readonly token: string,
    private readonly url: string | undefined,
    private readonly state: StateDb,
  ) {}

  #web(): Promise<WebClient> {
    this.#client ??= import('@slack/web-api').then(
      ({ WebClient, LogLevel }) =>
        new WebClient(this.token, {
          ...(this.url ? { slackApiUrl: this.url } : {}),
          timeout: 10_000,
          // Lookups change nothing in Slack, so a retry is harmless; one is enough for a blip.
          retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
          logLevel: LogLevel.ERROR,
        }),
    );
    return this.#client;
  }

  async #lookup(email: string): Promise<string | null> {
    try {
      const answer = await (await this.#web()).users.lookupByEmail({ email });
      const id = answer.user?.id ?? null;
      if (id) {
        await this.state.query(
          `INSERT INTO slack_users (email, user_id, looked_up_at) VALUES ($1, $2, $3)
           ON CONFLICT (email) DO UPDATE SET user_id = EXCLUDED.user_id, looked_up_at = EXCLUDED.looked_up_at`,
          [email, id, new Date().toISOString()],
        );
      }
      return id;
    } catch (err) {
      const code = slackErrorCode(err);
      if (code && UNKNOWN_USER.has(code)) await this.state.query('DELETE FROM slack_users WHERE email = $1', [email]);
      // Unknown or unreachable: the caller names the person in plain text.
      return null;
    }
  }

  userId(email: string): Promise<string | null> {
    const key = email.toLowerCase();
    let found = this.#ids.get(key);
    if (!found) {
      found = (async () => {
        const [cached] = await this.state.query('SELECT user_id FROM slack_users WHERE email = $1', [key]);
        return cached ? String(cached.user_id) : this.#lookup(key);
      })();
      this.#ids.set(key, found);
    }
    return found;
  }

  async mention(email: string, fallback: string): Promise<string> {
    const id = await this.userId(email);
    return id ? `<@${id}>` : fallback;
  }

  directChannel(email: string): Promise<string | null> {
    const key = email.toLowerCase();
    let found = this.#dms.get(key);
    if (!found) {
      found = (async () => {
        const id = await this.userId(key);
        if (!id) return null;
        const opened = await this.#open(id);
        if (opened.channel || !opened.stale) return opened.channel;
        // The cached id no longer works (the account was re-created, say): look the e-mail up again.
        this.#ids.set(key, this.#lookup(key));
        const fresh = await this.#ids.get(key)!;
        return fresh && fresh !== id ? (await this.#open(fresh)).channel : null;
      })();
      this.#dms.set(key, found);
    }
    return found;
  }

  async #open(userId: string): Promise<{ channel: string | null; stale: boolean }> {
    try {
      const answer = await (await this.#web()).conversations.open({ users: userId });
      return { channel: answer.channel?.id ?? null, stale: false };
    } catch (err) {
      const code = slackErrorCode(err);
      return { channel: null, stale: code !== null && UNKNOWN_USER.has(code) };
    }
  }
}
