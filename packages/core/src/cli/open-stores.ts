import type { EcmConfig } from '../config/load-config.js';
import type { DemoProgress } from '../demo/generate-demo.js';
import { describeHolder, RunLockedError, waitForFileLock } from '../state/run-lock.js';
import { openStateDb, type StateDb } from '../state/state-db.js';
import { openTicketStore } from '../tickets/open-ticket-store.js';
import type { TicketStore } from '../tickets/ticket-store.js';
import { openWarehouse } from '../warehouse/open-warehouse.js';
import { stateTimeoutsOf, warehouseTimeoutsOf } from '../warehouse/store-url.js';
import { redactUrl, type Warehouse } from '../warehouse/warehouse.js';
import { CliError, describeError, notice, type ExitCode } from './cli-support.js';
import { storeLockWaitMs } from './wait-settings.js';

/**
 * Opening the stores for every ECM program: the state store, the warehouse and the file lock the
 * embedded stores need. A failure says which store, where (credentials redacted), and why.
 */
export async function openStateStore(config?: EcmConfig, env: NodeJS.ProcessEnv = process.env): Promise<StateDb> {
  try {
    return await openStateDb({ env, ...(config ? { timeouts: stateTimeoutsOf(config.settings.timeouts) } : {}) });
  } catch (err) {
    if (err instanceof CliError) throw err;
    const where = env.ECM_STATE_URL ? redactUrl(env.ECM_STATE_URL) : 'the embedded state store';
    throw new CliError(`cannot open the state store (${where}): ${describeError(err)}`);
  }
}

/** The state store and the ticket store configured over it (local tables or the Google Sheet). */
export async function openTicketStores(
  config?: EcmConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ state: StateDb; tickets: TicketStore }> {
  const state = await openStateStore(config, env);
  try {
    return { state, tickets: await openTicketStore(state) };
  } catch (err) {
    await state.close();
    throw err;
  }
}

export interface WarehouseHooks {
  readonly onNotice?: (line: string) => void;
  readonly onSeedProgress?: (progress: DemoProgress) => void;
  /** An existing embedded demo warehouse opens on its own thread (see OpenWarehouseOptions.thread). */
  readonly thread?: boolean;
}

export async function openWarehouseStore(
  config: EcmConfig,
  hooks: WarehouseHooks = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Warehouse> {
  try {
    return await openWarehouse({ env, sharedDir: config.sharedDir, timeouts: warehouseTimeoutsOf(config.settings.timeouts), ...hooks });
  } catch (err) {
    if (err instanceof CliError) throw err; // e.g. a production configuration without a warehouse (exit 3)
    const where = env.ECM_WAREHOUSE_URL ? redactUrl(env.ECM_WAREHOUSE_URL) : 'the embedded demo warehouse';
    throw new CliError(`cannot open the warehouse (${where}): ${describeError(err)}`);
  }
}

/** The one line a command prints on stderr while another process keeps the embedded stores. */
export const noticeWaiting = (holder: string): void => notice(`waiting for ${holder} to finish…`);

export interface HeldStoreLock {
  release(): Promise<void>;
}

export interface StoreLockRequest {
  readonly program: 'ecm-manager' | 'ecm-field' | 'ecm-gateway';
  readonly command: string;
  /** The embedded stores this command opens; a store on PostgreSQL needs no file lock. */
  readonly stores: readonly ('state' | 'warehouse')[];
  /** How long to wait for the lock unless ECM_LOCK_WAIT_SECONDS says otherwise. Default 15 s. */
  readonly waitMs?: number;
  /** The exit code when another process keeps the lock past the wait. */
  readonly lockedExit: ExitCode;
  /** Told once who holds the lock, when this command has to wait. Default: noticeWaiting. */
  readonly onWait?: (holder: string) => void;
  /** Release the lock on Ctrl-C and SIGTERM, so an interrupted command never leaves it behind. */
  readonly releaseOnSignal?: boolean;
}

/**
 * Whether a store is the embedded one under ECM_HOME, decided as the openers decide: the state store
 * without ECM_STATE_URL (openStateDb), the warehouse without a non-blank ECM_WAREHOUSE_URL (warehouseSource).
 */
export function isEmbedded(store: 'state' | 'warehouse', env: NodeJS.ProcessEnv = process.env): boolean {
  return store === 'state' ? !env.ECM_STATE_URL : !env.ECM_WAREHOUSE_URL?.trim();
}

/**
 * The embedded stores (PGlite under ECM_HOME) admit one process at a time: a short command waits
 * briefly for a running job to finish instead of failing at once.
 */
export async function lockEmbeddedStores(request: StoreLockRequest, env: NodeJS.ProcessEnv = process.env): Promise<HeldStoreLock> {
  const embedded = request.stores.some((s) => isEmbedded(s, env));
  if (!embedded) return { release: async () => undefined };
  let lock: HeldStoreLock;
  try {
    lock = await waitForFileLock(
      describeHolder(request.command, new Date(), request.program),
      env,
      storeLockWaitMs(env, request.waitMs),
      request.onWait ?? noticeWaiting,
    );
  } catch (err) {
    if (err instanceof RunLockedError) throw new CliError(`${err.message}; try again when it has finished`, request.lockedExit);
    throw err;
  }
  if (!request.releaseOnSignal) return lock;
  const onSignal = (signal: NodeJS.Signals) => {
    void lock.release().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    async release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await lock.release();
    },
  };
}
