import type pg from 'pg';
import { loadPg } from './load-pg.js';
import { checkStoreUrl, describeStoreFailure, type StoreTimeouts } from './store-url.js';
import { redactUrl, WarehouseError, type Row, type Warehouse } from './warehouse.js';

const TEXT_TYPES = new Set([20, 1114, 1184, 1700]); // int8, timestamp, timestamptz, numeric

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (TEXT_TYPES.has(oid)) return (value: string) => value;
    return loadPg().types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PgWarehouseOptions {
  readonly max?: number;
  readonly connectionTimeoutMillis?: number;
  /** From `timeouts:` in shared/config/ecm.yaml; connectMs overrides connectionTimeoutMillis. */
  readonly timeouts?: StoreTimeouts;
}

/** Defaults of `timeouts:` in shared/config/ecm.yaml. */
export const DEFAULT_WAREHOUSE_TIMEOUTS: StoreTimeouts = { connectMs: 10_000, statementMs: 600_000 };

/** Amazon Redshift or PostgreSQL over `pg`, with a small pool. */
export class PgWarehouse implements Warehouse {
  readonly kind = 'postgres' as const;
  readonly label: string;
  #pool: pg.Pool;
  #roundTrips = 0;
  readonly #timeouts: StoreTimeouts;

  constructor(url: string, options: PgWarehouseOptions = {}) {
    checkStoreUrl('ECM_WAREHOUSE_URL', url);
    this.label = redactUrl(url);
    this.#timeouts = options.timeouts ?? {
      ...DEFAULT_WAREHOUSE_TIMEOUTS,
      connectMs: options.connectionTimeoutMillis ?? DEFAULT_WAREHOUSE_TIMEOUTS.connectMs,
    };
    const statementMs = this.#timeouts.statementMs;
    this.#pool = new (loadPg().Pool)({
      connectionString: url,
      max: options.max ?? 4,
      connectionTimeoutMillis: this.#timeouts.connectMs,
      // A backstop on the client for a server that stopped answering altogether.
      query_timeout: statementMs + 5_000,
      keepAlive: true,
      types,
      application_name: 'ecm',
    });
    // An idle client that errors (server restart) must not crash the process.
    this.#pool.on('error', () => undefined);
  }

  /** Connections whose statement_timeout is set: SET rather than a startup parameter, which Redshift accepts the same way. */
  readonly #limited = new WeakSet<pg.PoolClient>();

  get roundTrips(): number {
    return this.#roundTrips;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#roundTrips++;
    try {
      const client = await this.#pool.connect();
      // A connection killed while checked out must not be an unhandled 'error' event.
      const onError = () => undefined;
      client.on('error', onError);
      let broken: Error | undefined;
      try {
        if (!this.#limited.has(client)) {
          await client.query(`SET statement_timeout = ${Math.round(this.#timeouts.statementMs)}`);
          this.#limited.add(client);
        }
        return (await client.query(sql, params as unknown[])).rows as Row[];
      } catch (err) {
        if (!/^[0-9A-Z]{5}$/.test(String((err as { code?: unknown }).code)) || String((err as { code?: unknown }).code).startsWith('57'))
          broken = err as Error;
        throw err;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    } catch (err) {
      // Name the warehouse: "connect ECONNREFUSED" alone does not tell on-call which system is down.
      throw new WarehouseError(
        describeStoreFailure(`warehouse ${this.label}`, 'ECM_WAREHOUSE_URL', err, this.#timeouts, 'timeouts.warehouse_statement_ms'),
        err,
      );
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
