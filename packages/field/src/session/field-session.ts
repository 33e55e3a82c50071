import type { Agent, EcmConfig, TicketStore } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { loadValidConfig, notice } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { requireAgent, type ClaimedIdentity } from '../identity/agent-identity.js';

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
  /**
   * `eager` opens the warehouse while the state store opens: an embedded demo warehouse on its own
   * thread, so the two embedded databases start at the same time on two cores. `lazy` waits for
   * the first use.
   */
  readonly warehouse: 'eager' | 'lazy';
}

// Quiet about the demo warehouse in use: a field command's output is the agent's queue, not setup notes.
const warehouseHooks = { onNotice: (line: string) => (line.startsWith('Creating') ? notice(line) : undefined) };

async function openWarehouseFor(config: EcmConfig, thread: boolean): Promise<Warehouse> {
  const { openWarehouseStore } = await import('@ecm/core/stores');
  return openWarehouseStore(config, { ...warehouseHooks, thread });
}

/**
 * Runs `fn` with the stores open and the agent checked, then closes everything and releases the
 * store lock, whatever happens.
 */
export async function withSession<T>(options: SessionOptions, fn: (session: FieldSession) => Promise<T>): Promise<T> {
  const [{ isEmbedded, lockEmbeddedStores, openTicketStores }, { preparePglite, warehouseSource }] = await Promise.all([
    import('@ecm/core/stores'),
    import('@ecm/core/warehouse'),
  ]);
  // An embedded store to open: its WebAssembly compiles in the background while the configuration loads.
  if (isEmbedded('state') || isEmbedded('warehouse')) preparePglite();
  const config = await loadValidConfig();
  // Before anything opens: a production configuration without a warehouse stops here (exit 3), never on demo data.
  warehouseSource(process.env);
  const lock = await lockEmbeddedStores({
    program: 'ecm-field',
    command: options.command,
    stores: ['state', 'warehouse'],
    lockedExit: EXIT.failed,
    releaseOnSignal: true,
  });
  let warehouse: Promise<Warehouse> | null = null;
  let state: StateDb | null = null;
  try {
    if (options.warehouse === 'eager') warehouse = openWarehouseFor(config, true);
    // Settle the warehouse's failure too, so an unopened warehouse never becomes an unhandled rejection.
    warehouse?.catch(() => undefined);
    const stores = await openTicketStores(config);
    state = stores.state;
    const tickets = stores.tickets;
    const agent = await requireAgent(tickets, options.identity);
    return await fn({
      config,
      state,
      tickets,
      agent,
      now: options.now,
      warehouse: () => (warehouse ??= openWarehouseFor(config, false)),
    });
  } finally {
    const opened = warehouse;
    await Promise.allSettled([state?.close(), opened?.then((w) => w.close())]);
    await lock.release();
  }
}
