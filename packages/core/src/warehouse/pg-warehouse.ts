import type pg from 'pg';
import { loadPg } from './load-pg.js';
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
}

/** Amazon Redshift or PostgreSQL over `pg`, with a small pool. */
export class PgWarehouse implements Warehouse {
  readonly kind = 'postgres' as const;
  readonly label: string;
  #pool: pg.Pool;
  #roundTrips = 0;

  constructor(url: string, options: PgWarehouseOptions = {}) {
    this.label = redactUrl(url);
    this.#pool = new (loadPg().Pool)({
      connectionString: url,
      max: options.max ?? 4,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
      types,
      application_name: 'ecm',
    });
    // An idle client that errors (server restart) must not crash the process.
    this.#pool.on('error', () => undefined);
  }

  get roundTrips(): number {
    return this.#roundTrips;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#roundTrips++;
    try {
      const result = await this.#pool.query(sql, params as unknown[]);
      return result.rows as Row[];
    } catch (err) {
      // Name the warehouse: "connect ECONNREFUSED" alone does not tell on-call which system is down.
      throw new WarehouseError(`warehouse ${this.label}: ${(err as Error).message}`, err);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
