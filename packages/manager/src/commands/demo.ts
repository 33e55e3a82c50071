import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EcmConfig } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import { loadValidConfig, notice, openConfiguredState, parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { progressBar } from '../progress.js';
import { parseAgentsCsv } from '@ecm/core/domain';
import { openTicketStore } from '@ecm/core/stores';
import { DEFAULT_DEMO, seedWarehouse, WarehouseNotEmptyError } from '@ecm/core/demo';
import { PgWarehouse, createDemoWarehouse, redactUrl } from '@ecm/core/warehouse';

export interface DemoSeedOptions {
  orders?: string;
  days?: string;
  seed?: string;
  asOf?: string;
  warehouseUrl?: string;
  replace?: boolean;
  stuckScale?: string;
  json?: boolean;
}

function positiveNumber(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new CliError(`${flag} ${value}: expected a positive ${integer ? 'whole ' : ''}number`, EXIT.config);
  return n;
}

/** The fictional roster in shared/demo/agents.csv, written into the ticket store. */
export async function seedDemoAgents(config: EcmConfig, state: StateDb): Promise<number> {
  const { agents, problems } = parseAgentsCsv(
    readFileSync(path.join(config.sharedDir, 'demo', 'agents.csv'), 'utf8'),
    config.settings.assignment.default_max_tickets,
  );
  if (problems.length) throw new Error(`shared/demo/agents.csv line ${problems[0]!.line}: ${problems[0]!.problem}`);
  const store = await openTicketStore(state);
  await store.upsertAgents(agents);
  return agents.length;
}

/** `ecm-manager demo seed`: deterministic synthetic data, into the embedded warehouse or any PostgreSQL. */
export async function demoSeedCommand(options: DemoSeedOptions): Promise<number> {
  const config = await loadValidConfig();
  const orders = positiveNumber('--orders', options.orders, true) ?? DEFAULT_DEMO.orders;
  const days = positiveNumber('--days', options.days, true) ?? DEFAULT_DEMO.days;
  const seed = options.seed === undefined ? DEFAULT_DEMO.seed : Number(options.seed);
  if (!Number.isInteger(seed)) throw new CliError(`--seed ${options.seed}: expected a whole number`, EXIT.config);
  const stuckScale = positiveNumber('--stuck-scale', options.stuckScale, false);
  const asOf = parseAsOf(options.asOf);
  // What to generate, the same whether it goes to a real warehouse or the embedded demo one.
  const plan = { sharedDir: config.sharedDir, seed, orders, days, asOf, stuckScale };
  // The embedded stores admit one process at a time: re-creating the demo warehouse under a running
  // job, or beside a gateway's open stores, would pull the data folder from under them.
  const { lockEmbeddedStores } = await import('@ecm/core/stores');
  // Without --warehouse-url it rewrites ECM_HOME's demo warehouse whatever ECM_WAREHOUSE_URL says.
  const lock = await lockEmbeddedStores(
    {
      program: 'ecm-manager',
      command: 'demo seed',
      stores: options.warehouseUrl ? ['state'] : ['state', 'warehouse'],
      waitMs: 30_000,
      lockedExit: EXIT.locked,
    },
    options.warehouseUrl ? process.env : { ...process.env, ECM_WAREHOUSE_URL: '' },
  );
  try {
    return await seedDemo(config, plan, options);
  } finally {
    await lock.release();
  }
}

type DemoPlan = { sharedDir: string; seed: number; orders: number; days: number; asOf: Date; stuckScale: number | undefined };

/** Seeds the warehouse and the demo roster, then reports what it did. */
async function seedDemo(config: EcmConfig, plan: DemoPlan, options: DemoSeedOptions): Promise<number> {
  const { seed, orders, days, asOf } = plan;
  const bar = progressBar('Seeding');
  const onProgress = (p: { ordersDone: number; ordersTotal: number }) => bar.update(p.ordersDone, p.ordersTotal);
  const started = Date.now();
  let where: string;
  try {
    if (options.warehouseUrl) {
      const warehouse = new PgWarehouse(options.warehouseUrl);
      where = redactUrl(options.warehouseUrl);
      try {
        await seedWarehouse(warehouse, { ...plan, replace: options.replace, onProgress });
      } finally {
        await warehouse.close();
      }
    } else {
      const { warehouse } = await createDemoWarehouse({ ...plan, onSeedProgress: onProgress });
      where = warehouse.label;
      await warehouse.close();
    }
  } catch (err) {
    bar.done();
    if (err instanceof WarehouseNotEmptyError) throw new CliError(err.message, EXIT.failed);
    throw err;
  }
  bar.done();
  const state = await openConfiguredState();
  let agents: number;
  try {
    agents = await seedDemoAgents(config, state);
  } finally {
    await state.close();
  }
  const summary = { warehouse: where, orders, days, seed, as_of: asOf.toISOString(), agents, ms: Date.now() - started };
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    notice(
      `Seeded ${orders.toLocaleString('en-US')} synthetic orders over ${days} days (seed ${seed}, as of ${summary.as_of}) into ${where} in ${(summary.ms / 1000).toFixed(1)} s.`,
    );
    notice(`Seeded ${agents} fictional agents into the ticket store. Try: ecm-manager stuck --as-of ${summary.as_of}`);
  }
  return EXIT.ok;
}
