import pg from 'pg';
import { QueryTimeoutError, statementTimeoutSql, type ExtendedQuery, type RawResult, type ReadOnlySession } from './read-only-session.js';

// Values that JSON cannot carry faithfully stay text: int8, numeric, date, time, timestamps, interval.
const TEXT_TYPES = new Set([20, 1082, 1083, 1114, 1184, 1186, 1266, 1700]);
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (TEXT_TYPES.has(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * The session's own rules, set on every new connection whatever the connection string's `options`
 * or the role's defaults say, so the server reads statements the way the guard parsed them and no
 * statement, lock wait or forgotten transaction outlives its welcome. Values are ours, never the caller's.
 */
export function sessionRules(timeoutMs: number): { required: string[]; bestEffort: string[] } {
  const ms = Math.max(1, Math.floor(timeoutMs));
  return {
    required: ['SET standard_conforming_strings = on', `SET statement_timeout = ${ms}`],
    bestEffort: [
      `SET lock_timeout = ${Math.min(ms, 5_000)}`,
      `SET idle_in_transaction_session_timeout = ${ms + 10_000}`,
      "SET work_mem = '16MB'",
      // Needs superuser on PostgreSQL; a SELECT-only role gets a permission error, which is fine.
      "SET temp_file_limit = '256MB'",
    ],
  };
}

/** SQLSTATE 42704: the server does not know the setting (Redshift lacks some of PostgreSQL's). */
const UNDEFINED_OBJECT = '42704';

/** PostgreSQL's code for "canceling statement due to statement timeout". */
const QUERY_CANCELED = '57014';
/** Our own deadline fires this long after the server's statement_timeout should have. */
const DEADLINE_GRACE_MS = 2_000;

/**
 * warehouse_query's own small pool on PostgreSQL or Redshift, apart from the engine's, so that a
 * slow ad-hoc query never holds a connection the triage needs (and it may use a SELECT-only role).
 * Every call checks out one connection, runs BEGIN READ ONLY, SET LOCAL statement_timeout, the
 * work, and an unconditional ROLLBACK. A connection that saw any error is destroyed, not reused.
 */
export class PgReadOnlySession implements ReadOnlySession {
  readonly interruptible = true;
  readonly #pool: pg.Pool;
  /** Connections that already run under the session's rules. */
  readonly #ruled = new WeakSet<pg.PoolClient>();

  constructor(url: string, options: { max?: number } = {}) {
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 2,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      types,
      application_name: 'ecm-gateway',
    });
    this.#pool.on('error', () => undefined);
  }

  async readOnly<T>(timeoutMs: number, work: (query: ExtendedQuery) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let failure: unknown = null;
    let released = false;
    const discard = (err: Error) => {
      if (released) return;
      released = true;
      client.release(err);
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new QueryTimeoutError(timeoutMs);
        discard(err); // closes the socket: the server abandons the statement and its transaction
        reject(err);
      }, timeoutMs + DEADLINE_GRACE_MS);
    });
    const query: ExtendedQuery = async (sql) => {
      const result = await client.query({ text: sql, rowMode: 'array', queryMode: 'extended' } as pg.QueryArrayConfig);
      return { columns: result.fields.map((f) => f.name), rows: result.rows } satisfies RawResult;
    };
    try {
      return await Promise.race([
        (async () => {
          if (!this.#ruled.has(client)) {
            await applySessionRules(client, timeoutMs);
            this.#ruled.add(client);
          }
          await client.query('BEGIN READ ONLY');
          await client.query(statementTimeoutSql(timeoutMs));
          return work(query);
        })(),
        deadline,
      ]);
    } catch (err) {
      failure = err;
      if ((err as { code?: unknown }).code === QUERY_CANCELED) throw new QueryTimeoutError(timeoutMs);
      throw err;
    } finally {
      clearTimeout(timer);
      if (!released) {
        try {
          await client.query('ROLLBACK');
        } catch (err) {
          failure ??= err;
        }
        if (failure) discard(failure instanceof Error ? failure : new Error(String(failure)));
        else {
          released = true;
          client.release();
        }
      }
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

async function applySessionRules(client: pg.PoolClient, timeoutMs: number): Promise<void> {
  const rules = sessionRules(timeoutMs);
  for (const sql of rules.required) {
    try {
      await client.query(sql);
    } catch (err) {
      // A server without the setting at all (Redshift) is covered by the guard refusing backslashes.
      if ((err as { code?: unknown }).code !== UNDEFINED_OBJECT) throw err;
    }
  }
  for (const sql of rules.bestEffort) {
    try {
      await client.query(sql);
    } catch {
      // not permitted for this role, or unknown to this server: the other layers still hold
    }
  }
  const check = await client.query<{ standard_conforming_strings?: string }>('SHOW standard_conforming_strings').catch(() => null);
  const value = check?.rows[0]?.standard_conforming_strings;
  if (value !== undefined && value !== 'on') throw new Error('the warehouse connection kept standard_conforming_strings off');
}
