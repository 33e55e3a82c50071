import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { openPglite } from '@ecm/core/warehouse';
import pg from 'pg';
import type { SqlQueryable } from '../db/sql.js';

export interface TestDatabase {
  readonly db: SqlQueryable;
  close(): Promise<void>;
}

/**
 * The state databases the runtime must work with: PGlite as the pg-like `{ rows }` API, PGlite with
 * the text parsers @ecm/core uses (answering bare rows, like its StateDb), and real PostgreSQL in a
 * schema of its own when ECM_TEST_PG_URL is set.
 */
export const DATABASES: { readonly name: string; open(): Promise<TestDatabase> }[] = [
  {
    name: 'PGlite',
    async open() {
      const db = new PGlite();
      await db.waitReady;
      return {
        db: { query: (sql, params) => db.query(sql, params) as Promise<{ rows: Record<string, unknown>[] }> },
        close: () => db.close(),
      };
    },
  },
  {
    name: 'PGlite with text parsers (state-db style)',
    async open() {
      const db = await openPglite();
      return { db: { query: async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows }, close: () => db.close() };
    },
  },
  ...(process.env.ECM_TEST_PG_URL
    ? [
        {
          name: 'PostgreSQL',
          async open(): Promise<TestDatabase> {
            const url = process.env.ECM_TEST_PG_URL!;
            const schema = `agent_test_${randomBytes(6).toString('hex')}`;
            const admin = new pg.Client({ connectionString: url });
            await admin.connect();
            await admin.query(`CREATE SCHEMA ${schema}`);
            const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 2 });
            return {
              db: pool,
              async close() {
                await pool.end();
                await admin.query(`DROP SCHEMA ${schema} CASCADE`);
                await admin.end();
              },
            };
          },
        },
      ]
    : []),
];

export const openPgliteDb = () => DATABASES[0]!.open();
