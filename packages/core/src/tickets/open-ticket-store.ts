import type { StateDb } from '../state/state-db.js';
import { LocalTicketStore } from './local-ticket-store.js';
import type { TicketStore } from './ticket-store.js';

/** The ticket store this process uses: the local tables in the state database (Sheets arrive with ECM_TICKETS=sheets). */
export async function openTicketStore(state: StateDb, env: NodeJS.ProcessEnv = process.env): Promise<TicketStore> {
  const backend = env.ECM_TICKETS ?? 'local';
  if (backend === 'local') return new LocalTicketStore(state);
  throw new Error(`ECM_TICKETS=${backend} is not a ticket store this build knows; use "local" (the default)`);
}
