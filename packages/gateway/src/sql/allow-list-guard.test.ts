import { loadConfig, warehouseAccessSchema } from '@ecm/core/domain';
import { describe, expect, it } from 'vitest';
import { WarehouseAccess } from '../warehouse/warehouse-access.js';
import { checkReadOnlySql, MAX_CONCATENATIONS } from './read-only-guard.js';

const settings = loadConfig().settings.warehouse_access;
/** orders_goms.owner_id configured as personal data, to check column-level refusals. */
const access = new WarehouseAccess({ ...settings, pii_columns: { ...settings.pii_columns, orders_goms: ['owner_id'] } });
const guard = { access, interruptible: true };
const verdict = (sql: string) => checkReadOnlySql(sql, guard);

describe('the allow-list guard', () => {
  it('defaults to the business tables of the domain reference, without customers', () => {
    const defaults = new WarehouseAccess(settings);
    expect(defaults.tableNames).toContain('orders_goms');
    expect(defaults.tableNames).toHaveLength(10);
    expect(defaults.allowsTable('customers')).toBe(false);
    expect(defaults.allowsTable('ORDERS_GOMS', 'PUBLIC')).toBe(true);
    expect(defaults.allowsTable('orders_goms', 'pg_catalog')).toBe(false);
  });

  it('accepts only plain lower-case SQL names in the configuration', () => {
    expect(warehouseAccessSchema.safeParse({ tables: ['orders_goms; DROP TABLE x'] }).success).toBe(false);
    expect(warehouseAccessSchema.safeParse({ pii_columns: { orders_goms: ['Owner Id'] } }).success).toBe(false);
    expect(warehouseAccessSchema.parse({})).toMatchObject({
      schemas: ['public'],
      pii_columns: { customers: ['full_name', 'email', 'phone'] },
    });
  });

  const refusedColumns: [string, RegExp][] = [
    ['SELECT owner_id FROM orders_goms', /orders_goms\.owner_id holds personal data/],
    ['SELECT o."OWNER_ID" FROM orders_goms AS o', /owner_id holds personal data/],
    ["SELECT order_id FROM orders_goms WHERE owner_id LIKE 'a%'", /owner_id holds personal data/],
    ['SELECT * FROM orders_goms', /\* is not allowed on orders_goms/],
    ['SELECT o.* FROM orders_goms AS o', /\* is not allowed on orders_goms/],
    ['TABLE orders_goms', /\* is not allowed/],
    ['SELECT o FROM orders_goms AS o', /whole row/],
    ['SELECT order_id FROM orders_goms JOIN payments_goms AS p USING (owner_id)', /owner_id holds personal data/],
    ['SELECT order_id FROM orders_goms NATURAL JOIN lulu_data', /NATURAL JOIN/],
    ['WITH x AS (SELECT owner_id AS id FROM orders_goms) SELECT id FROM x', /owner_id holds personal data/],
  ];
  for (const [sql, reason] of refusedColumns) {
    it(`refuses a personal-data column: ${sql}`, async () => {
      const v = await verdict(sql);
      expect(v.ok).toBe(false);
      expect(!v.ok && v.reason).toMatch(reason);
    });
  }

  it('accepts the other columns of that table, and * on tables without personal data', async () => {
    expect(await verdict('SELECT order_id, status FROM orders_goms')).toMatchObject({ ok: true });
    expect(await verdict('SELECT p.* FROM payments_goms AS p')).toMatchObject({ ok: true });
  });

  it('scopes CTE names: a CTE called like a table does not hide the table elsewhere', async () => {
    expect(await verdict('WITH customers AS (SELECT order_id FROM lulu_data) SELECT order_id FROM customers')).toMatchObject({ ok: true });
    expect((await verdict('SELECT 1 FROM customers, (WITH customers AS (SELECT 1 AS x) SELECT x FROM customers) AS s')).ok).toBe(false);
    expect((await verdict('WITH a AS (SELECT 1 AS x FROM b), b AS (SELECT 1 AS y) SELECT x FROM a')).ok).toBe(false);
    // Set-operation branches carry their own WITH and are checked like any SELECT.
    expect(
      await verdict('(WITH c AS (SELECT order_id FROM lulu_data) SELECT order_id FROM c) UNION SELECT order_id FROM orders_goms'),
    ).toMatchObject({ ok: true });
    expect((await verdict('(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c) UNION SELECT 1')).ok).toBe(
      false,
    );
    expect((await verdict('(SELECT email FROM customers) UNION SELECT order_id FROM orders_goms')).ok).toBe(false);
    expect((await verdict('SELECT order_id FROM orders_goms UNION (SELECT 1 FROM lulu_data INTO evil)')).ok).toBe(false);
  });

  it('budgets concatenations and says what is allowed', async () => {
    const chain = (n: number) => `SELECT ${Array.from({ length: n + 1 }, () => 'status').join(' || ')} FROM lulu_data`;
    expect(await verdict(chain(MAX_CONCATENATIONS))).toMatchObject({ ok: true });
    const v = await verdict(chain(MAX_CONCATENATIONS + 1));
    expect(!v.ok && v.reason).toMatch(/more than 4 concatenations/);
    const f = await verdict("SELECT ts_stat('x')");
    expect(!f.ok && f.reason).toMatch(/^Refused: ts_stat\(\) is not allowed in warehouse_query; it accepts aggregates, window functions/);
    const t = await verdict('SELECT * FROM pg_stats');
    expect(!t.ok && t.reason).toMatch(
      /pg_stats is not one of the tables warehouse_query may read \(checkout_payment_data, .*warehouse_list_tables/,
    );
  });

  it('refuses backslashes and non-plain literals, which servers read differently', async () => {
    for (const sql of ["SELECT '\\'' AS a, 1 AS b --'", "SELECT E'a'", 'SELECT $$a$$', "SELECT B'101'", "SELECT X'1F'"]) {
      expect((await verdict(sql)).ok, sql).toBe(false);
    }
    expect(await verdict("SELECT 'it''s' AS a, EXTRACT(EPOCH FROM TIMESTAMP '2026-01-01') AS e")).toMatchObject({ ok: true });
  });
});
