import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { loadPg } from '../warehouse/load-pg.js';
import { ecmHome } from '../ecm-home.js';
import { openPglite } from '../warehouse/pglite-warehouse.js';
import { redactUrl, type Row } from '../warehouse/warehouse.js';
import { STATE_SCHEMA } from './state-schema.js';

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

export class PgliteStateDb implements StateDb {
  readonly kind = 'pglite' as const;
  constructor(
    readonly db: PGlite,
    readonly label: string,
  ) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params as unknown[])).rows;
  }

  async transaction<T>(fn: (tx: StateQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx: Transaction) =>
      fn({ query: async (sql, params = []) => (await tx.query<Row>(sql, params as unknown[])).rows }),
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

export class PgStateDb implements StateDb {
  readonly kind = 'postgres' as const;
  readonly label: string;
  readonly pool: pg.Pool;

  constructor(url: string) {
    this.label = redactUrl(url);
    this.pool = new (loadPg().Pool)({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000, application_name: 'ecm-state' });
    this.pool.on('error', () => undefined);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params as unknown[])).rows as Row[];
  }

  async transaction<T>(fn: (tx: StateQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({ query: async (sql, params = []) => (await client.query(sql, params as unknown[])).rows as Row[] });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(ecmHome(env), 'state');
}

/** Creates the state tables when missing; safe to run on every start. */
export async function migrateState(db: StateQueryable): Promise<void> {
  for (const statement of STATE_SCHEMA) await db.query(statement);
}

/** Opens the state database named by ECM_STATE_URL, else the embedded one; `inMemory` is for tests. */
export async function openStateDb(options: { env?: NodeJS.ProcessEnv; inMemory?: boolean } = {}): Promise<StateDb> {
  const env = options.env ?? process.env;
  let db: StateDb;
  if (env.ECM_STATE_URL) db = new PgStateDb(env.ECM_STATE_URL);
  else if (options.inMemory) db = new PgliteStateDb(await openPglite(), 'in-memory state');
  else {
    const dir = stateDir(env);
    mkdirSync(dir, { recursive: true });
    db = new PgliteStateDb(await openPglite(path.join(dir, 'pgdata')), `embedded state store (${dir})`);
  }
  try {
    await migrateState(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
