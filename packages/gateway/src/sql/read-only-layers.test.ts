import { openPglite, PgliteWarehouse } from '@ecm/core/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgReadOnlySession } from './pg-session.js';
import { PgliteReadOnlySession } from './pglite-session.js';
import { loadConfig } from '@ecm/core/domain';
import { WarehouseAccess } from '../warehouse/warehouse-access.js';
import { checkReadOnlySql } from './read-only-guard.js';
import { QueryTimeoutError, type ReadOnlySession } from './read-only-session.js';
import { planCost, runReadOnlyQuery } from './run-read-only-query.js';

const PG_URL = process.env.ECM_TEST_PG_URL;
const access = new WarehouseAccess(loadConfig().settings.warehouse_access);
const strict = { access, interruptible: true };

describe('the parser check', () => {
  const allowed = [
    'SELECT 1',
    "select order_id from orders_goms where status = 'FAILED' order by created_at desc limit 10;",
    'WITH p AS (SELECT reference_id, COUNT(*) AS n FROM payments_goms GROUP BY 1) SELECT * FROM p WHERE n > 1',
    'SELECT o.order_id, ROW_NUMBER() OVER (PARTITION BY o.status ORDER BY o.created_at) FROM orders_goms AS o',
    'SELECT status FROM orders_goms UNION ALL SELECT status FROM lulu_data',
    "SELECT * FROM orders_goms WHERE order_id IN (SELECT reference_id FROM transfer_rfi WHERE status = 'EXPIRED')",
    'TABLE orders_goms',
    "SELECT COALESCE(MAX(created_at), '2026-01-01') FROM orders_goms -- newest order",
    "SELECT date_trunc('day', created_at) AS day, count(*) FROM orders_goms GROUP BY 1",
  ];
  for (const sql of allowed) {
    it(`allows ${sql.slice(0, 60)}`, async () => {
      expect(await checkReadOnlySql(sql, strict)).toMatchObject({ ok: true });
    });
  }

  it('returns the statement without its trailing semicolon, comments kept', async () => {
    expect(await checkReadOnlySql('  SELECT 1 ; ', strict)).toEqual({ ok: true, statement: 'SELECT 1' });
    expect(await checkReadOnlySql("SELECT 'é' AS e; -- done", strict)).toEqual({ ok: true, statement: "SELECT 'é' AS e" });
    expect(await checkReadOnlySql('SELECT 1 -- trailing', strict)).toEqual({ ok: true, statement: 'SELECT 1 -- trailing' });
  });

  it('says in one sentence what was refused and why', async () => {
    expect(await checkReadOnlySql('SELECT 1; SELECT 2', strict)).toEqual({
      ok: false,
      reason: 'Refused: 2 statements were given; warehouse_query runs exactly one SELECT per call.',
    });
    expect(await checkReadOnlySql('WITH d AS (DELETE FROM t RETURNING 1) SELECT * FROM d', strict)).toEqual({
      ok: false,
      reason: 'Refused: DELETE inside the query is not allowed; warehouse_query only reads.',
    });
    expect(await checkReadOnlySql('ALTER TABLE t ADD COLUMN x int', strict)).toEqual({
      ok: false,
      reason: 'Refused: ALTER TABLE is not allowed; warehouse_query runs only a read-only SELECT or WITH … SELECT.',
    });
  });

  it('refuses generators everywhere, since the embedded warehouse cannot interrupt them', async () => {
    for (const sql of [
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r',
      'SELECT * FROM generate_series(1, 3) AS g',
      'VALUES (1, 2)',
    ]) {
      expect(await checkReadOnlySql(sql, strict)).toMatchObject({ ok: false });
      expect(await checkReadOnlySql(sql, { access, interruptible: false })).toMatchObject({ ok: false });
    }
  });

  it('fails closed on a tree too deep to walk', async () => {
    const deep = `SELECT ${'abs('.repeat(200)}1${')'.repeat(200)}`;
    expect(await checkReadOnlySql(deep, strict)).toEqual({
      ok: false,
      reason: 'Refused: the statement is nested too deeply to be checked.',
    });
    expect(await checkReadOnlySql(`SELECT ${'abs('.repeat(20)}1${')'.repeat(20)}`, strict)).toMatchObject({ ok: true });
  });
});

describe('plan cost', () => {
  it('takes the most expensive node, not the LIMIT above it', () => {
    expect(
      planCost([
        'Limit  (cost=0.00..5.01 rows=501 width=8)',
        '  ->  Function Scan on generate_series g  (cost=0.00..100000000.00 rows=10000000000 width=8)',
      ]),
    ).toBe(100_000_000);
    expect(planCost(['XN Seq Scan on orders_goms  (cost=0.00..1.50 rows=150 width=8)'])).toBe(1.5);
    expect(planCost(['no cost here'])).toBeNull();
  });
});

/** The layers behind the parser, tested on their own: they must hold even if the parser let something through. */
function sessionSuite(open: () => Promise<{ session: ReadOnlySession; setup(sql: string): Promise<unknown>; close(): Promise<void> }>) {
  let s: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    s = await open();
    await s.setup('DROP TABLE IF EXISTS ecm_layer_probe');
    await s.setup('CREATE TABLE ecm_layer_probe (n int)');
    await s.setup('INSERT INTO ecm_layer_probe VALUES (1)');
  });
  afterAll(async () => {
    await s?.setup('DROP TABLE IF EXISTS ecm_layer_probe');
    await s?.close();
  });

  it('blocks a write inside the read-only transaction', async () => {
    await expect(s.session.readOnly(5_000, (q) => q('DELETE FROM ecm_layer_probe'))).rejects.toMatchObject({ code: '25006' });
    await expect(s.session.readOnly(5_000, (q) => q('CREATE TABLE ecm_layer_evil (n int)'))).rejects.toMatchObject({ code: '25006' });
    const rows = await s.session.readOnly(5_000, (q) => q('SELECT n FROM ecm_layer_probe'));
    expect(rows.rows).toEqual([[1]]);
  });

  it('sends one statement per message (extended protocol)', async () => {
    await expect(s.session.readOnly(5_000, (q) => q('SELECT 1; DELETE FROM ecm_layer_probe'))).rejects.toThrow(/multiple commands/);
  });

  it('rolls back whatever the work did, even a successful read', async () => {
    // A setting changed with set_config(…, false) survives a COMMIT but not a ROLLBACK.
    await s.session.readOnly(5_000, (q) => q("SELECT set_config('ecm.probe', 'leaked', false)"));
    const after = await s.session.readOnly(5_000, (q) => q("SELECT current_setting('ecm.probe', true)"));
    expect(after.rows[0]![0] ?? '').toBe('');
  });
}

describe('the read-only session on the embedded demo warehouse (PGlite)', () => {
  sessionSuite(async () => {
    const warehouse = new PgliteWarehouse(await openPglite(), 'probe');
    return { session: new PgliteReadOnlySession(warehouse.db), setup: (sql) => warehouse.query(sql), close: () => warehouse.close() };
  });
});

describe.skipIf(!PG_URL)('the read-only session on PostgreSQL', () => {
  let session: PgReadOnlySession;
  let admin: PgReadOnlySession;
  const schema = `ecm_gw_layers_${process.pid}`;
  const url = () => {
    const u = new URL(PG_URL!);
    u.searchParams.set('options', `-c search_path=${schema}`);
    return u.toString();
  };
  sessionSuite(async () => {
    const pg = await import('pg');
    const setupClient = new pg.default.Client({ connectionString: PG_URL });
    await setupClient.connect();
    await setupClient.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await setupClient.query(`SET search_path = ${schema}`);
    // One connection, so the next call reuses (or replaces) the very connection the last one used.
    session = new PgReadOnlySession(url(), { max: 1 });
    admin = session;
    return {
      session,
      setup: (sql) => setupClient.query(sql),
      close: async () => {
        await setupClient.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await setupClient.end();
        await session.close();
      },
    };
  });

  it('cancels a statement at the time limit and then works again', async () => {
    const started = Date.now();
    await expect(admin.readOnly(300, (q) => q('SELECT pg_sleep(5)'))).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await admin.readOnly(5_000, (q) => q('SELECT 1'))).rows).toEqual([[1]]);
  });

  it('abandons a connection at its own deadline when the server-side limit does not fire', async () => {
    const started = Date.now();
    const pids: unknown[] = [];
    await expect(
      admin.readOnly(300, async (q) => {
        pids.push((await q('SELECT pg_backend_pid()')).rows[0]![0]);
        await q('SET LOCAL statement_timeout = 0'); // what only our own code could do; the deadline still holds
        return q('SELECT pg_sleep(5)');
      }),
    ).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(Date.now() - started).toBeLessThan(4_000);
    const next = await admin.readOnly(5_000, (q) => q('SELECT pg_backend_pid()'));
    expect(next.rows[0]![0]).not.toBe(pids[0]); // the connection that saw the error was discarded
  });

  it('runs a whole guarded query with row caps', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `SELECT ${i} AS n`).join(' UNION ALL ');
    const r = await runReadOnlyQuery(admin, twenty, { maxRows: 5, maxBytes: 10_000, timeoutMs: 5_000, maxPlanCost: null, access });
    expect(r).toMatchObject({ ok: true, result: { row_count: 5, truncated: true, truncated_by: 'rows' } });
  });

  it('sets its own rules on every connection, whatever the URL asks for', async () => {
    const u = new URL(url());
    u.searchParams.set('options', `-c search_path=${schema} -c standard_conforming_strings=off -c statement_timeout=0 -c lock_timeout=0`);
    const hostile = new PgReadOnlySession(u.toString(), { max: 1 });
    try {
      const shown = await hostile.readOnly(7_000, async (q) => {
        const get = async (name: string) => String((await q(`SHOW ${name}`)).rows[0]![0]);
        return {
          scs: await get('standard_conforming_strings'),
          lock: await get('lock_timeout'),
          idle: await get('idle_in_transaction_session_timeout'),
          temp: await get('temp_file_limit'),
          work: await get('work_mem'),
        };
      });
      // ECM_TEST_PG_URL is a superuser, so temp_file_limit is permitted here.
      expect(shown).toEqual({ scs: 'on', lock: '5s', idle: '17s', temp: '256MB', work: '16MB' });
      const literal = await hostile.readOnly(5_000, (q) => q("SELECT 'a\\' AS a"));
      expect(literal.rows[0]![0]).toBe('a\\');
    } finally {
      await hostile.close();
    }
  });
});
