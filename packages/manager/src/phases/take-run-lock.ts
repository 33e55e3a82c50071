import type { EcmConfig } from '@ecm/core/domain';
import type { RunLock } from '@ecm/core/stores';
import { openConfiguredState } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { acquireFileLock, acquirePgLock, describeHolder, RunLockedError, stateTimeoutsOf } from '@ecm/core/stores';

/** The run lock: PostgreSQL's when the state store is PostgreSQL, else a lock file. Held by another run: exit 4 with who holds it. */
export async function takeRunLock(command: string, config: EcmConfig): Promise<RunLock> {
  const holder = describeHolder(command);
  try {
    if (process.env.ECM_STATE_URL) {
      // The holder table must exist before the lock can name a holder.
      await (await openConfiguredState(config)).close();
      const timeouts = stateTimeoutsOf(config.settings.timeouts);
      return await acquirePgLock(process.env.ECM_STATE_URL, holder, {
        connectTimeoutMs: timeouts.connectMs,
        statementTimeoutMs: timeouts.statementMs,
      });
    }
    return acquireFileLock(holder);
  } catch (err) {
    if (err instanceof RunLockedError) throw new CliError(`${err.message}. To do: ${err.advice}.`, EXIT.locked);
    throw err;
  }
}
