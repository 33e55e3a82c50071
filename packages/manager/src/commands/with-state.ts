import type { StateDb } from '@ecm/core/stores';
import type { TicketStore } from '@ecm/core/domain';
import { EXIT } from '../exit-codes.js';

/**
 * Opens the state store and ticket store for a short command. The embedded store admits one process
 * at a time, so a short command waits briefly for a running job instead of failing at once.
 * `alsoWarehouse`: `fn` opens the embedded warehouse too, under the same lock.
 */
export async function withTicketStore<T>(
  command: string,
  fn: (store: TicketStore, state: StateDb) => Promise<T>,
  options: { readonly alsoWarehouse?: boolean } = {},
): Promise<T> {
  const { lockEmbeddedStores, openTicketStores } = await import('@ecm/core/stores');
  const lock = await lockEmbeddedStores({
    program: 'ecm-manager',
    command,
    stores: options.alsoWarehouse ? ['state', 'warehouse'] : ['state'],
    waitMs: 30_000,
    lockedExit: EXIT.locked,
  });
  try {
    const { state, tickets } = await openTicketStores();
    try {
      return await fn(tickets, state);
    } finally {
      await state.close();
    }
  } finally {
    await lock.release();
  }
}
