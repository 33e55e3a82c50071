import { notice } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { describeHolder, waitForFileLock, RunLockedError } from '@ecm/core/stores';

export interface HeldLock {
  release(): Promise<void>;
}

const LOCK_WAIT_MS = 15_000;

/**
 * The embedded stores (PGlite under ECM_HOME) admit one process at a time: take the file lock the
 * manager also takes, waiting briefly for a running job. Nothing to take when both are on PostgreSQL.
 * The lock is released on exit and on Ctrl-C, so an interrupted command never leaves it behind.
 */
export async function lockEmbeddedStores(command: string, env: NodeJS.ProcessEnv = process.env): Promise<HeldLock> {
  if (env.ECM_STATE_URL && env.ECM_WAREHOUSE_URL) return { release: async () => undefined };
  let lock: HeldLock;
  try {
    lock = await waitForFileLock(describeHolder(command, new Date(), 'ecm-field'), env, LOCK_WAIT_MS, (other) => notice(`waiting for ${other} to finish…`));
  } catch (err) {
    if (err instanceof RunLockedError) throw new CliError(`${err.message}; try again when it has finished`, EXIT.failed);
    throw err;
  }
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
