import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_DEMO, type DemoProgress } from '../demo/generate-demo.js';
import { seedWarehouse } from '../demo/seed-warehouse.js';
import { ecmHome } from '../ecm-home.js';
import { PgWarehouse } from './pg-warehouse.js';
import { checkStoreUrl, type StoreTimeouts } from './store-url.js';
import { PgliteWarehouse, openPglite } from './pglite-warehouse.js';
import { PgliteThreadWarehouse } from './pglite-thread-warehouse.js';
import type { Warehouse } from './warehouse.js';
import { warehouseSource } from './warehouse-source.js';

const demoInfoSchema = z.object({ seed: z.number(), orders: z.number(), days: z.number(), as_of: z.string(), seeded_at: z.string() });
export type DemoInfo = z.infer<typeof demoInfoSchema>;

export interface OpenWarehouseOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly sharedDir: string;
  /** One-line notices for people (demo data in use, seeding); the CLIs print them on stderr. */
  readonly onNotice?: (line: string) => void;
  readonly onSeedProgress?: (progress: DemoProgress) => void;
  /** From `timeouts:` in shared/config/ecm.yaml. */
  readonly timeouts?: StoreTimeouts;
  /**
   * Open an existing embedded demo warehouse on its own thread (PgliteThreadWarehouse: queries only),
   * so it starts while this thread opens the state store. A warehouse still to be created is not.
   */
  readonly thread?: boolean;
}

export function demoWarehouseDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(ecmHome(env), 'warehouse');
}

export function readDemoInfo(env: NodeJS.ProcessEnv = process.env): DemoInfo | null {
  const file = path.join(demoWarehouseDir(env), 'demo.json');
  if (!existsSync(file)) return null;
  const parsed = demoInfoSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : null;
}

/** Creates (or re-creates) the embedded demo warehouse and seeds it. */
export async function createDemoWarehouse(
  options: OpenWarehouseOptions & { seed?: number; orders?: number; days?: number; asOf?: Date; stuckScale?: number },
): Promise<{ warehouse: PgliteWarehouse; info: DemoInfo }> {
  const env = options.env ?? process.env;
  const dir = demoWarehouseDir(env);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const db = await openPglite(path.join(dir, 'pgdata'));
  const warehouse = new PgliteWarehouse(db, `embedded demo warehouse (${dir})`);
  const asOf = options.asOf ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const seed = options.seed ?? DEFAULT_DEMO.seed;
  const orders = options.orders ?? DEFAULT_DEMO.orders;
  const days = options.days ?? DEFAULT_DEMO.days;
  await seedWarehouse(warehouse, {
    sharedDir: options.sharedDir,
    seed,
    orders,
    days,
    asOf,
    stuckScale: options.stuckScale,
    onProgress: options.onSeedProgress,
  });
  // Written last: a seed that died half-way is redone on the next start.
  const info: DemoInfo = { seed, orders, days, as_of: asOf.toISOString(), seeded_at: new Date().toISOString() };
  writeFileSync(path.join(dir, 'demo.json'), JSON.stringify(info, null, 2));
  return { warehouse, info };
}

/**
 * The warehouse for this process (see warehouseSource): ECM_WAREHOUSE_URL (Redshift or PostgreSQL)
 * when set, else the embedded demo warehouse under ECM_HOME, created and seeded on first use, but
 * only when the demo is a choice; a half-filled production configuration gets a CliError (exit 3).
 */
export async function openWarehouse(options: OpenWarehouseOptions): Promise<Warehouse> {
  const env = options.env ?? process.env;
  const source = warehouseSource(env);
  if (source.kind === 'url') {
    checkStoreUrl('ECM_WAREHOUSE_URL', source.url);
    return new PgWarehouse(source.url, options.timeouts ? { timeouts: options.timeouts } : {});
  }
  const dir = demoWarehouseDir(env);
  const info = readDemoInfo(env);
  if (!info) {
    options.onNotice?.(
      `Creating the embedded demo warehouse in ${dir} (synthetic data, one time; set ECM_WAREHOUSE_URL=postgres://… to use a real warehouse)`,
    );
    return (await createDemoWarehouse(options)).warehouse;
  }
  options.onNotice?.(
    `Using the embedded demo warehouse: synthetic data seeded for ${info.as_of}. Set ECM_WAREHOUSE_URL=postgres://… to use a real warehouse.`,
  );
  const label = `embedded demo warehouse (${dir})`;
  if (options.thread) return PgliteThreadWarehouse.open(path.join(dir, 'pgdata'), label);
  return new PgliteWarehouse(await openPglite(path.join(dir, 'pgdata')), label);
}
