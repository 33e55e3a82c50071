import type { StateDb } from '../state/state-db.js';
import { LocalTicketStore } from './local-ticket-store.js';
import type { TicketStore } from './ticket-store.js';

/** The ticket store this process uses: the local tables in the state database, or the Google Sheet with ECM_TICKETS=sheets. */
export async function openTicketStore(state: StateDb, env: NodeJS.ProcessEnv = process.env): Promise<TicketStore> {
  const backend = env.ECM_TICKETS?.trim() || 'local';
  if (backend === 'local') return new LocalTicketStore(state);
  if (backend === 'sheets') {
    // Loaded only when asked for: the local backend never loads the Google client.
    const { openSheetsTicketStore } = await import('./sheets/open-sheets-ticket-store.js');
    return openSheetsTicketStore(env);
  }
  throw new Error(`ECM_TICKETS=${backend} is not a ticket store this build knows; use "local" (the default) or "sheets"`);
}
