import type { Agent, EcmConfig, TicketStore } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { loadValidConfig, notice } from '../context.js';
import { CliError } from '../exit-codes.js';
import { requireAgent, type ClaimedIdentity } from '../identity/agent-identity.js';
import { lockEmbeddedStores } from './store-lock.js';
import { openStateDb, openTicketStore } from '@ecm/core/stores';
import { redactUrl, openWarehouse, warehouseSource } from '@ecm/core/warehouse';

/** What a command works with: configuration, the state and ticket stores, the agent, the warehouse. */
export interface FieldSession {
  readonly config: EcmConfig;
  readonly state: StateDb;
  readonly tickets: TicketStore;
  readonly agent: Agent;
  /** The current time (the clock, or `--as-of`). */
  readonly now: Date;
  /** The warehouse, opened on first use (or already while the state store opened). */
  warehouse(): Promise<Warehouse>;
}

export interface SessionOptions {
  readonly command: string;
  readonly identity: ClaimedIdentity;
  readonly now: Date;
  /** `eager` opens the warehouse alongside the state store (two embedded databases start in parallel). */
  readonly warehouse: 'eager' | 'lazy';
}

async function openState(): Promise<StateDb> {
  try {
    return await openStateDb();
  } catch (err) {
    const where = process.env.ECM_STATE_URL ? redactUrl(process.env.ECM_STATE_URL) : 'the embedded state store';
    throw new CliError(`cannot open the state store (${where}): ${(err as Error).message}`);
  }
}

async function openWarehouseFor(config: EcmConfig): Promise<Warehouse> {
  try {
    // Quiet about the demo warehouse in use: a field command's output is the agent's queue, not setup notes.
    return await openWarehouse({ sharedDir: config.sharedDir, onNotice: (line) => (line.startsWith('Creating') ? notice(line) : undefined) });
  } catch (err) {
    if (err instanceof CliError) throw err; // e.g. a production configuration without a warehouse (exit 3)
    const where = process.env.ECM_WAREHOUSE_URL ? redactUrl(process.env.ECM_WAREHOUSE_URL) : 'the embedded demo warehouse';
    throw new CliError(`cannot open the warehouse (${where}): ${(err as Error).message}`);
  }
}

/**
 * Runs `fn` with the stores open and the agent checked, then closes everything and releases the
 * store lock, whatever happens.
 */
export async function withSession<T>(options: SessionOptions, fn: (session: FieldSession) => Promise<T>): Promise<T> {
  const config = await loadValidConfig();
  // Before anything opens: a production configuration without a warehouse stops here (exit 3), never on demo data.
  warehouseSource(process.env);
  const lock = await lockEmbeddedStores(options.command);
  let warehouse: Promise<Warehouse> | null = null;
  let state: StateDb | null = null;
  try {
    if (options.warehouse === 'eager') warehouse = openWarehouseFor(config);
    // Settle the warehouse's failure too, so an unopened warehouse never becomes an unhandled rejection.
    warehouse?.catch(() => undefined);
    state = await openState();
    const tickets = await openTicketStore(state);
    const agent = await requireAgent(tickets, options.identity);
    return await fn({
      config,
      state,
      tickets,
      agent,
      now: options.now,
      warehouse: () => (warehouse ??= openWarehouseFor(config)),
    });
  } finally {
    const opened = warehouse;
    await Promise.allSettled([state?.close(), opened?.then((w) => w.close())]);
    await lock.release();
  }
}
