import { defaultSharedDir, loadConfig } from '@ecm/core/domain';
import type { PgliteWarehouse, PgWarehouse, Warehouse } from '@ecm/core/warehouse';
import { seedWarehouse } from '@ecm/core/demo';
import { afterAll, beforeAll } from 'vitest';
import { seededWarehouse } from '../../../core/src/demo/__fixtures__/demo-templates.js';
import { createPgSchema } from '../../../core/src/warehouse/__fixtures__/pg-schema.js';
import { connectInProcess, type InProcessGateway } from '../index.js';

export const sharedDir = defaultSharedDir();
export const config = loadConfig(sharedDir);
/** The run time the demo data is generated around; every test triages at this T. */
export const TEST_AS_OF = new Date('2026-02-17T01:30:00.000Z');
/** Small enough to seed in a few seconds, with every stuck scenario present (stuckScale 3). */
export const TEST_DEMO = { seed: 11, orders: 6_000, days: 30, asOf: TEST_AS_OF, stuckScale: 3 } as const;

/** An in-memory demo warehouse, seeded (from the run's shared copy of the same data). */
export function seededPglite(orders: number = TEST_DEMO.orders): Promise<PgliteWarehouse> {
  return seededWarehouse({ ...TEST_DEMO, orders });
}

export interface PgTestSchema {
  readonly warehouse: PgWarehouse;
  /** A URL whose connections see only this schema (search_path). */
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh schema in the test PostgreSQL, seeded with the demo data. */
export async function seededPgSchema(baseUrl: string, prefix: string, orders: number = TEST_DEMO.orders): Promise<PgTestSchema> {
  const schema = await createPgSchema(baseUrl, prefix);
  await seedWarehouse(schema.warehouse, { sharedDir, ...TEST_DEMO, orders });
  return { warehouse: schema.warehouse, url: schema.url, drop: () => schema.drop() };
}

/** A seeded warehouse a suite runs the gateway against, and the URL its read-only queries use (PostgreSQL only). */
export interface WarehouseTarget {
  readonly warehouse: Warehouse;
  readonly queryUrl?: string;
  close(): Promise<void>;
}

/** The embedded demo warehouse as a suite's target. */
export async function pgliteTarget(): Promise<WarehouseTarget> {
  const warehouse = await seededPglite();
  return { warehouse, close: () => warehouse.close() };
}

/** A seeded PostgreSQL schema as a suite's target; read-only queries go through `queryUrl` (default: the schema's own). */
export function pgTarget(schema: PgTestSchema, queryUrl: string = schema.url): WarehouseTarget {
  return { warehouse: schema.warehouse, queryUrl, close: () => schema.drop() };
}

/** The gateway in process on a target, at the demo's run time. */
export function gatewayOn(target: WarehouseTarget, query?: { timeoutMs: number; maxBytes: number }): Promise<InProcessGateway> {
  return connectInProcess({
    config,
    warehouse: target.warehouse,
    asOf: () => TEST_AS_OF,
    ...(target.queryUrl ? { queryUrl: target.queryUrl } : {}),
    ...(query ? { query } : {}),
  });
}

/** A warehouse that must never be opened: a gateway given it proves what it serves (prompts, resources) needs none. */
export const unopenedWarehouse = (what: string) => () => Promise.reject(new Error(`the warehouse must not be opened for ${what}`));

/** One gateway in process for the whole test file, on a warehouse that must never be opened. */
export function gatewayWithoutWarehouse(what: string): { readonly client: InProcessGateway['client'] } {
  let gateway: InProcessGateway | undefined;
  beforeAll(async () => {
    gateway = await connectInProcess({ config, warehouse: unopenedWarehouse(what) });
  });
  afterAll(async () => {
    await gateway?.close();
  });
  return {
    get client() {
      if (!gateway) throw new Error('the gateway starts before the tests (beforeAll)');
      return gateway.client;
    },
  };
}

/**
 * Row count and an order-independent digest of every table the warehouse's search path shows, plus
 * the list of those tables: a write, a new table or a dropped one all change it.
 * PostgreSQL/PGlite only (string_agg): a test helper.
 */
export async function warehouseChecksums(warehouse: Warehouse): Promise<Record<string, string>> {
  const tables = await warehouse.query(
    `SELECT c.relname AS name FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await warehouse.query(
      `SELECT COUNT(*) AS n, md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C"), '')) AS digest FROM "${String(name)}" AS t`,
    );
    out[String(name)] = `${String(row?.n)}:${String(row?.digest)}`;
  }
  return out;
}
