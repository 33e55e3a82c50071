import type { Warehouse } from '@ecm/core/warehouse';
import type { ExtendedQuery, ReadOnlySession } from './read-only-session.js';

/** The part of PGlite's API this module uses (PgliteWarehouse.db). */
interface PgliteTransaction {
  exec(sql: string): Promise<unknown>;
  query<R>(sql: string, params: unknown[], options: { rowMode: 'array' }): Promise<{ rows: R[]; fields: { name: string }[] }>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}
export interface PgliteDatabase {
  transaction<T>(work: (tx: PgliteTransaction) => Promise<T>): Promise<T>;
}

/** The embedded demo warehouse exposes its PGlite database. */
export function pgliteOf(warehouse: Warehouse): PgliteDatabase | null {
  if (warehouse.kind !== 'pglite') return null;
  const db = (warehouse as Warehouse & { db?: PgliteDatabase }).db;
  return db && typeof db.transaction === 'function' ? db : null;
}

/**
 * The same read-only transaction on the embedded demo warehouse. PGlite is one connection, so
 * its transaction() already serialises us with every other query. It ignores statement_timeout
 * and cannot be interrupted, which is why the caller caps the planner's cost first there.
 */
export class PgliteReadOnlySession implements ReadOnlySession {
  readonly interruptible = false;

  constructor(readonly db: PgliteDatabase) {}

  async readOnly<T>(_timeoutMs: number, work: (query: ExtendedQuery) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      try {
        await tx.exec('SET TRANSACTION READ ONLY');
        // The same reading of string literals as the guard's parser, whatever the database's default.
        await tx.exec('SET LOCAL standard_conforming_strings = on');
        // tx.query uses the extended protocol: a second statement in the text is a parse error.
        return await work(async (sql) => {
          const result = await tx.query<unknown[]>(sql, [], { rowMode: 'array' });
          return { columns: result.fields.map((f) => f.name), rows: result.rows };
        });
      } finally {
        if (!tx.closed) await tx.rollback();
      }
    });
  }

  async close(): Promise<void> {
    // The database belongs to the warehouse; closing it is the warehouse's job.
  }
}
