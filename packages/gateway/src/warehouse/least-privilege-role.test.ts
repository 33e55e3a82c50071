import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@ecm/core/domain';
import { PgWarehouse } from '@ecm/core/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededPgSchema, type PgTestSchema } from '../__fixtures__/test-warehouse.js';
import { PgReadOnlySession } from '../sql/pg-session.js';
import { roleSql, roleStatements } from './role-sql.js';
import { WarehouseAccess } from './warehouse-access.js';

const PG_URL = process.env.ECM_TEST_PG_URL;
const settings = loadConfig().settings.warehouse_access;

describe('the role SQL', () => {
  it('grants SELECT on the allowed tables only, never on customers', () => {
    const sql = roleSql({ role: 'ecm_gateway_reader', schema: 'public', access: new WarehouseAccess(settings) });
    expect(sql).toMatch(/GRANT SELECT ON "public"\."orders_goms" TO "ecm_gateway_reader";/);
    expect(sql).not.toMatch(/GRANT[^;]*customers/);
    expect(sql).toMatch(/default_transaction_read_only = on/);
  });

  it('is the script shipped with the gateway', () => {
    const shipped = readFileSync(fileURLToPath(new URL('../../sql/ecm-gateway-role.sql', import.meta.url)), 'utf8');
    expect(shipped).toBe(roleSql({ role: 'ecm_gateway_reader', schema: 'public', access: new WarehouseAccess(settings) }));
  });

  it('grants a table with personal-data columns by its other columns, and refuses to guess them', () => {
    const access = new WarehouseAccess({ ...settings, pii_columns: { ...settings.pii_columns, orders_goms: ['owner_id'] } });
    expect(() => roleStatements({ role: 'r', schema: 's', access })).toThrow(/owner_id.*granted by name/);
    const statements = roleStatements({
      role: 'r',
      schema: 's',
      access,
      columnsOf: new Map([['orders_goms', ['order_id', 'owner_id', 'status']]]),
    });
    expect(statements).toContain('GRANT SELECT ("order_id", "status") ON "s"."orders_goms" TO "r"');
  });
});

describe.skipIf(!PG_URL)(
  'connected as the SELECT-only role, raw SQL that bypasses the guard cannot read personal data (PostgreSQL)',
  () => {
    let schema: PgTestSchema;
    let admin: PgWarehouse;
    let reader: PgReadOnlySession;
    const role = `ecm_reader_${process.pid}`;
    let schemaName = '';

    beforeAll(async () => {
      schema = await seededPgSchema(PG_URL!, 'ecm_gw_role');
      schemaName = new URL(schema.url).searchParams.get('options')!.replace('-c search_path=', '');
      admin = new PgWarehouse(PG_URL!, { max: 1 });
      // One allowed table with a personal-data column too, to prove column-level grants.
      const access = new WarehouseAccess({ ...settings, pii_columns: { ...settings.pii_columns, orders_goms: ['owner_id'] } });
      const columns = await admin.query(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [schemaName, 'orders_goms'],
      );
      const columnsOf = new Map([['orders_goms', columns.map((c) => String(c.column_name))]]);
      for (const sql of roleStatements({ role, schema: schemaName, access, columnsOf, timeoutMs: 5_000 })) await admin.query(sql);
      // Statistics exist for the personal data, so a leak through pg_stats would show.
      await admin.query(`ANALYZE ${schemaName}.customers`);
      await admin.query(`ANALYZE ${schemaName}.orders_goms`);
      const url = new URL(schema.url);
      url.username = role;
      url.password = '';
      reader = new PgReadOnlySession(url.toString(), { max: 1 });
    }, 120_000);
    afterAll(async () => {
      await reader?.close();
      await admin?.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin?.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin?.close();
      await schema?.drop();
    });

    const raw = (sql: string) => reader.readOnly(5_000, (q) => q(sql));

    it('reads the allowed tables and the allowed columns', async () => {
      expect(Number((await raw('SELECT COUNT(*) FROM orders_goms')).rows[0]![0])).toBeGreaterThan(1000);
      expect((await raw('SELECT order_id, status FROM orders_goms LIMIT 1')).rows).toHaveLength(1);
      expect(Number((await raw('SELECT COUNT(*) FROM transaction_payout')).rows[0]![0])).toBeGreaterThan(0);
    });

    const denied: [string, string][] = [
      ['the customers table', 'SELECT email FROM customers LIMIT 1'],
      ['customers by its qualified name', 'SELECT full_name FROM "SCHEMA".customers'],
      ['a personal-data column of an allowed table', 'SELECT owner_id FROM orders_goms LIMIT 1'],
      ['* on a table with a personal-data column', 'SELECT * FROM orders_goms LIMIT 1'],
      ['ts_stat running SQL text', "SELECT * FROM ts_stat('SELECT to_tsvector(email) FROM customers')"],
      ['query_to_xml running SQL text', "SELECT query_to_xml('SELECT phone FROM customers', true, false, '')"],
      ['a server file', "SELECT pg_read_file('/etc/hostname')"],
      ['a write', "UPDATE orders_goms SET status = 'X'"],
    ];
    for (const [what, sql] of denied) {
      it(`is refused ${what} by PostgreSQL itself`, async () => {
        await expect(raw(sql.replace('"SCHEMA"', schemaName))).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|25006)$/) });
      });
    }

    it('sees no statistics of personal data (pg_stats shows only readable columns)', async () => {
      const customers = await raw("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'customers'");
      expect(Number(customers.rows[0]![0])).toBe(0);
      const owner = await raw("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'orders_goms' AND attname = 'owner_id'");
      expect(Number(owner.rows[0]![0])).toBe(0);
      await expect(raw('SELECT stavalues1 FROM pg_statistic')).rejects.toMatchObject({ code: '42501' });
      // Control: the statistics exist, the superuser sees them.
      const all = await admin.query(`SELECT COUNT(*) AS n FROM pg_stats WHERE schemaname = $1 AND tablename = 'customers'`, [schemaName]);
      expect(Number(all[0]!.n)).toBeGreaterThan(0);
    });
  },
);
