import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgWarehouse } from '../warehouse/pg-warehouse.js';
import { WarehouseError } from '../warehouse/warehouse.js';
import { openStateDb, StateStoreError, type StateDb } from './state-db.js';

const BASE = process.env.ECM_TEST_PG_URL;
const withSchema = (url: string, schema: string) =>
  `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** Ends every connection of `application` to this database, as a failing network or an operator would. */
async function terminate(admin: pg.Client, application: string): Promise<number> {
  const { rows } = await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()`,
    [application],
  );
  return rows.length;
}

describe.skipIf(!BASE)('state store and warehouse faults on real PostgreSQL', () => {
  const schema = `ecm_faults_${process.pid}`;
  let admin: pg.Client;
  let url: string;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: BASE });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    url = withSchema(BASE!, schema);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('a connection killed inside a transaction fails it as a state store failure naming ECM_STATE_URL; nothing crashes', async () => {
    const state: StateDb = await openStateDb({ env: { ECM_STATE_URL: url } });
    try {
      const failed = await state
        .transaction(async (tx) => {
          await tx.query(`INSERT INTO run_lock_holder (id, holder, acquired_at) VALUES (9, 'x', now())`);
          expect(await terminate(admin, 'ecm-state')).toBeGreaterThan(0);
          await new Promise((r) => setTimeout(r, 200)); // the 'error' event arrives while the client is idle
          await tx.query('SELECT 1');
        })
        .catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(StateStoreError);
      expect((failed as Error).message).toMatch(/^state store postgres:.*\(ECM_STATE_URL\)/);
      // Idle pooled connections killed too: the next statement gets a fresh one.
      await state.query('SELECT 1');
      await terminate(admin, 'ecm-state');
      await new Promise((r) => setTimeout(r, 200));
      const after = await state.query('SELECT count(*)::int AS n FROM run_lock_holder WHERE id = 9').catch((e: unknown) => e);
      if (after instanceof Error) expect(after).toBeInstanceOf(StateStoreError);
      else expect(after).toEqual([{ n: 0 }]); // the killed transaction wrote nothing
    } finally {
      await state.close();
    }
  });

  it('a statement blocked by a lock times out naming the state store, its variable and the setting', async () => {
    const state = await openStateDb({ env: { ECM_STATE_URL: url }, timeouts: { connectMs: 5_000, statementMs: 1_500, lockMs: 700 } });
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN; LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE');
      const began = Date.now();
      const err = await state.query('SELECT count(*) FROM tickets').catch((e: unknown) => e);
      expect(Date.now() - began).toBeLessThan(5_000);
      expect(err).toBeInstanceOf(StateStoreError);
      expect((err as Error).message).toMatch(
        /state store .*\(ECM_STATE_URL\): lock wait timed out after 0.7 s \(timeouts\.state_statement_ms/,
      );
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await state.close();
    }
  });

  it('a warehouse statement that runs too long times out naming ECM_WAREHOUSE_URL', async () => {
    const warehouse = new PgWarehouse(url, { timeouts: { connectMs: 5_000, statementMs: 800 } });
    try {
      const began = Date.now();
      const err = await warehouse.query('SELECT pg_sleep(10)').catch((e: unknown) => e);
      expect(Date.now() - began).toBeLessThan(6_000);
      expect(err).toBeInstanceOf(WarehouseError);
      expect((err as Error).message).toMatch(
        /warehouse .*\(ECM_WAREHOUSE_URL\): statement timed out after 0.8 s \(timeouts\.warehouse_statement_ms/,
      );
    } finally {
      await warehouse.close();
    }
  });

  it('a warehouse connection killed between queries: the next query works or fails naming the warehouse, never crashes', async () => {
    const warehouse = new PgWarehouse(url);
    try {
      await warehouse.query('SELECT 1');
      await terminate(admin, 'ecm');
      await new Promise((r) => setTimeout(r, 200));
      const second = await warehouse.query('SELECT 2 AS n').catch((e: unknown) => e);
      if (second instanceof Error) expect(second.message).toContain('ECM_WAREHOUSE_URL');
      else expect(second).toEqual([{ n: 2 }]);
    } finally {
      await warehouse.close();
    }
  });
});
