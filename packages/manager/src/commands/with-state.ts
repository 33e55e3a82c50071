import type { StateDb } from '@ecm/core/stores';
import type { TicketStore } from '@ecm/core/domain';
import { notice, openConfiguredState } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { describeHolder, openTicketStore, waitForFileLock, RunLockedError } from '@ecm/core/stores';

/**
 * Opens the state store and ticket store for a short command. The embedded store admits one process
 * at a time, so a short command waits briefly for a running job instead of failing at once.
 */
export async function withTicketStore<T>(command: string, fn: (store: TicketStore, state: StateDb) => Promise<T>): Promise<T> {
  let lock: { release(): Promise<void> } | null = null;
  if (!process.env.ECM_STATE_URL) {
    try {
      lock = await waitForFileLock(describeHolder(command), process.env, 30_000, (holder) => notice(`waiting for ${holder} to finish…`));
    } catch (err) {
      if (err instanceof RunLockedError) throw new CliError(`${err.message}; try again when it has finished`, EXIT.locked);
      throw err;
    }
  }
  try {
    const state = await openConfiguredState();
    try {
      return await fn(await openTicketStore(state), state);
    } finally {
      await state.close();
    }
  } finally {
    await lock?.release();
  }
}
