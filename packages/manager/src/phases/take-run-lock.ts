import { storeLockWaitMs } from '@ecm/core/cli-kit';
import type { EcmConfig } from '@ecm/core/domain';
import type { RunLock } from '@ecm/core/stores';
import { openConfiguredState } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import {
  acquirePgLock,
  describeHolder,
  isEmbedded,
  noticeWaiting,
  RunLockedError,
  stateTimeoutsOf,
  waitForFileLock,
} from '@ecm/core/stores';

/**
 * The run lock: PostgreSQL's when the state store is PostgreSQL, else the embedded stores' lock file,
 * which an embedded demo warehouse needs too. Held by another run: exit 5 with who holds it.
 */
export async function takeRunLock(command: string, config: EcmConfig): Promise<RunLock> {
  const holder = describeHolder(command);
  // Long enough for a gateway's hand-over (5 s after its last call, store-lease.ts) and a call that
  // takes some seconds; another run holds the stores for minutes, and then this run stops (exit 5)
  // rather than queue behind it. 15 s, or ECM_LOCK_WAIT_SECONDS.
  const waitMs = storeLockWaitMs();
  try {
    if (!process.env.ECM_STATE_URL) return await waitForFileLock(holder, process.env, waitMs, noticeWaiting);
    // The holder table must exist before the lock can name a holder.
    await (await openConfiguredState(config)).close();
    const timeouts = stateTimeoutsOf(config.settings.timeouts);
    const pgLock = await acquirePgLock(process.env.ECM_STATE_URL, holder, {
      connectTimeoutMs: timeouts.connectMs,
      statementTimeoutMs: timeouts.statementMs,
    });
    if (!isEmbedded('warehouse')) return pgLock;
    const fileLock = await waitForFileLock(holder, process.env, waitMs, noticeWaiting).catch(async (err: unknown) => {
      await pgLock.release();
      throw err;
    });
    return bothLocks(pgLock, fileLock);
  } catch (err) {
    if (err instanceof RunLockedError) throw new CliError(`${err.message}. To do: ${err.advice}.`, EXIT.locked);
    throw err;
  }
}

/** The run lock and the embedded demo warehouse's lock file, held and released as one. */
function bothLocks(run: RunLock, file: RunLock): RunLock {
  return {
    holder: run.holder,
    assertHeld: async () => {
      await run.assertHeld();
      await file.assertHeld();
    },
    release: async () => {
      try {
        await file.release();
      } finally {
        await run.release();
      }
    },
  };
}
