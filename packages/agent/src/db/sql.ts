import { z } from 'zod';

export type SqlRow = Record<string, unknown>;

/**
 * Anything SQL can be sent to: a `pg` Pool or client, a PGlite instance (both answer `{ rows }`),
 * or the state database of @ecm/core (answers the rows themselves).
 */
export interface SqlQueryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: SqlRow[] } | SqlRow[]>;
}

export async function queryRows(db: SqlQueryable, sql: string, params: unknown[] = []): Promise<SqlRow[]> {
  const result = await db.query(sql, params);
  return Array.isArray(result) ? result : result.rows;
}

/** Runs statements one by one (PGlite and pg both refuse several statements with parameters). */
export async function runStatements(db: SqlQueryable, statements: readonly string[]): Promise<void> {
  for (const sql of statements) await db.query(sql);
}

/** Drivers hand numerics and bigints over as text or numbers, timestamps as text or Date: accept both. */
export const sqlNumber = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i)
    .transform(Number),
  z.bigint().transform(Number),
]);
export const sqlDate = z.union([
  z.date(),
  z.string().transform((s, ctx) => {
    const d = new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(s) ? s : `${s}Z`);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not a timestamp: ${s}` });
      return z.NEVER;
    }
    return d;
  }),
]);

/** The state database of @ecm/core as the runtime's SQL target (checked by the compiler, not at run time). */
export const fromStateDb = (db: import('@ecm/core/stores').StateQueryable): SqlQueryable => db;
