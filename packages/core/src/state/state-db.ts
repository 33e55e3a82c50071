import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { loadPg } from '../warehouse/load-pg.js';
import { ecmHome } from '../ecm-home.js';
import { openPglite } from '../warehouse/pglite-warehouse.js';
import { checkStoreUrl, describeStoreFailure, type StoreTimeouts } from '../warehouse/store-url.js';
import { redactUrl, type Row } from '../warehouse/warehouse.js';
import { STATE_SCHEMA } from './state-schema.js';
import { errorText } from '../text/error-text.js';

/** Something SQL can be sent to: the state database itself or one of its transactions. */
export interface StateQueryable {
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * The state database: tickets, agents, run records, posted Slack messages, pattern history.
 * PostgreSQL via ECM_STATE_URL, else an embedded PGlite under ECM_HOME/state.
 */
export interface StateDb extends StateQueryable {
  readonly kind: 'pglite' | 'postgres';
  readonly label: string;
  /** Runs `fn` in one transaction: everything it wrote is committed together or not at all. */
  transaction<T>(fn: (tx: StateQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A state store call failed (connection lost, timeout, server down): named as the state store with
 * its variable, so that it is never mistaken for the failure of whatever the run was doing at the time.
 */
export class StateStoreError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StateStoreError';
  }
}

/** Defaults of `timeouts:` in shared/config/ecm.yaml, for callers that open the store without the configuration. */
export const DEFAULT_STATE_TIMEOUTS: StoreTimeouts = { connectMs: 10_000, statementMs: 30_000, lockMs: 10_000 };

export class PgliteStateDb implements StateDb {
  readonly kind = 'pglite' as const;
  constructor(
    readonly db: PGlite,
    readonly label: string,
  ) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return (await this.db.query<Row>(sql, params as unknown[])).rows;
    } catch (err) {
      throw this.failure(err);
    }
  }

  async transaction<T>(fn: (tx: StateQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx: Transaction) =>
      fn({ query: async (sql, params = []) => (await tx.query<Row>(sql, params as unknown[])).rows }),
    );
  }

  /** SQL errors (a constraint, a bad statement) stay as they are; only the store itself failing is wrapped. */
  private failure(err: unknown): unknown {
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) return err;
    return new StateStoreError(`${this.label}: ${errorText(err)}`, err);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** SQLSTATE classes that mean the server or connection failed, not the statement: 08 connection, 53 resources, 57 operator intervention (timeouts, shutdown), 55P03 lock timeout. */
const STORE_FAILURE = /^(08|53|57|58)|^55P03$/;

export class PgStateDb implements StateDb {
  readonly kind = 'postgres' as const;
  readonly label: string;
  readonly pool: pg.Pool;

  constructor(
    url: string,
    private readonly timeouts: StoreTimeouts = DEFAULT_STATE_TIMEOUTS,
  ) {
    checkStoreUrl('ECM_STATE_URL', url);
    this.label = redactUrl(url);
    this.pool = new (loadPg().Pool)({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: timeouts.connectMs,
      statement_timeout: timeouts.statementMs,
      lock_timeout: timeouts.lockMs ?? timeouts.statementMs,
      // A backstop on the client for a server that stopped answering altogether (network partition).
      query_timeout: timeouts.statementMs + 5_000,
      keepAlive: true,
      application_name: 'ecm-state',
    });
    // An idle client that errors (server restart, killed connection) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query(sql, params as unknown[])).rows as Row[];
    } catch (err) {
      throw this.failure(err);
    }
  }

  async transaction<T>(fn: (tx: StateQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((err: unknown) => {
      throw this.failure(err);
    });
    // pg-pool drops its error listener while a client is checked out: without ours, a connection
    // killed between two statements of this transaction would be an unhandled 'error' event.
    let broken: unknown = null;
    const onError = (err: Error) => {
      broken ??= err;
    };
    client.on('error', onError);
    try {
      const run = async (sql: string, params: readonly unknown[] = []) => {
        try {
          return (await client.query(sql, params as unknown[])).rows as Row[];
        } catch (err) {
          broken ??= isStoreFailure(err) ? err : null;
          throw this.failure(err);
        }
      };
      await run('BEGIN');
      const result = await fn({ query: run });
      await run('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.removeListener('error', onError);
      // A broken connection is destroyed rather than returned to the pool.
      client.release(broken ? (broken instanceof Error ? broken : new Error(String(broken))) : undefined);
    }
  }

  private failure(err: unknown): unknown {
    if (err instanceof StateStoreError || !isStoreFailure(err)) return err;
    return new StateStoreError(
      describeStoreFailure(`state store ${this.label}`, 'ECM_STATE_URL', err, this.timeouts, 'timeouts.state_statement_ms'),
      err,
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** True for failures of the store or connection; false for errors in a statement (constraint, syntax). */
function isStoreFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return STORE_FAILURE.test(code);
  return true; // no SQLSTATE: the connection, the socket or a client-side timeout
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(ecmHome(env), 'state');
}

/** Serializes schema creation on a shared PostgreSQL: concurrent CREATE … IF NOT EXISTS can still collide in pg_type. */
const MIGRATE_LOCK_KEY = 7_300_418;

/** Creates the state tables when missing; safe to run on every start. */
export async function migrateState(db: StateQueryable): Promise<void> {
  for (const statement of STATE_SCHEMA) await db.query(statement);
}

/**
 * Opens the state database named by ECM_STATE_URL, else the embedded one; `inMemory` is for tests.
 * `timeouts` come from the configuration (`timeouts:` in shared/config/ecm.yaml).
 */
export async function openStateDb(
  options: { env?: NodeJS.ProcessEnv; inMemory?: boolean; timeouts?: StoreTimeouts } = {},
): Promise<StateDb> {
  const env = options.env ?? process.env;
  let db: StateDb;
  if (env.ECM_STATE_URL) db = new PgStateDb(env.ECM_STATE_URL, options.timeouts);
  else if (options.inMemory) db = new PgliteStateDb(await openPglite(), 'in-memory state');
  else {
    const dir = stateDir(env);
    mkdirSync(dir, { recursive: true });
    db = new PgliteStateDb(await openPglite(path.join(dir, 'pgdata')), `embedded state store (${dir})`);
  }
  try {
    if (db.kind === 'postgres') {
      // Two first runs at once: one creates the tables, the other waits and finds them.
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK_KEY]);
        await migrateState(tx);
      });
    } else await migrateState(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
