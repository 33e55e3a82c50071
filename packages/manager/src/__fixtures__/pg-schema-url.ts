import { seedWarehouse } from '@ecm/core/demo';
import { defaultSharedDir } from '@ecm/core/domain';
import { migrateState } from '@ecm/core/stores';
import { PgWarehouse } from '@ecm/core/warehouse';
import type pg from 'pg';

/** `url` for connections that see only `schema` (their search_path). */
export const withSchema = (url: string, schema: string) =>
  `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

/** Recreates `schema` through `admin`, seeds it with 30 days of demo orders, and returns the URL that sees only it. */
export async function seededSchemaUrl(
  admin: pg.Client,
  base: string,
  schema: string,
  demo: { readonly seed: number; readonly orders: number; readonly asOf: Date },
): Promise<string> {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const url = withSchema(base, schema);
  const warehouse = new PgWarehouse(url);
  await seedWarehouse(warehouse, { sharedDir: defaultSharedDir(), ...demo, days: 30 });
  await warehouse.close();
  return url;
}

/**
 * A database of this test file's own on the server of `base`, created when missing, as a URL. The run
 * lock is one advisory lock per database, so test files that take it (a phase run, `serve`) would
 * otherwise wait on each other when two workers run them at once.
 */
export async function ownDatabaseUrl(base: string, suffix: string): Promise<string> {
  const url = new URL(base);
  const name = `${url.pathname.replace(/^\//, '') || 'postgres'}_${suffix}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const { default: pgModule } = await import('pg');
  const admin = new pgModule.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // 42P04: it exists already
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

/** Migrates the state tables through `client` and adds one active agent to each team, so a run can assign. */
export async function stateWithAgentPerTeam(client: pg.Client): Promise<void> {
  await migrateState({ query: async (sql: string, params?: readonly unknown[]) => (await client.query(sql, params as unknown[])).rows });
  await client.query(
    `INSERT INTO agents (email, name, team, slack_handle, active, max_tickets, role) VALUES
     ('a.ops@example.com', 'A Ops', 'Ops', NULL, true, 50, 'agent'), ('b.kyc@example.com', 'B Kyc', 'KYC_ops', NULL, true, 50, 'agent'),
     ('c.vda@example.com', 'C Vda', 'VDA_ops', NULL, true, 50, 'agent')`,
  );
}
