import { CliError, EXIT } from '../exit-codes.js';
import { printListing } from './print-listing.js';
import { withTicketStore } from './with-state.js';
import { listPiiReveals } from '@ecm/core/stores';

/** `audit`: every time a customer's personal data was shown unmasked — who, which order, when, through which program. */
export async function auditCommand(options: { since?: string; agent?: string; json?: boolean }): Promise<number> {
  let since: Date | undefined;
  if (options.since !== undefined) {
    since = new Date(options.since);
    if (Number.isNaN(since.getTime()))
      throw new CliError(`--since "${options.since}" is not a time; use ISO 8601, e.g. 2026-02-17T00:00:00Z`, EXIT.config);
  }
  return withTicketStore('audit', async (_store, state) => {
    const reveals = await listPiiReveals(state, { ...(since ? { since } : {}), ...(options.agent ? { agentEmail: options.agent } : {}) });
    return printListing({
      key: 'reveals',
      rows: reveals,
      json: options.json,
      empty: 'No personal data was revealed in this period.',
      columns: [
        { header: 'WHEN (UTC)', width: 24, value: (r) => r.revealed_at },
        { header: 'AGENT', width: 28, value: (r) => r.agent_email },
        { header: 'ORDER', width: 16, value: (r) => r.order_id },
        { header: 'BASIS', width: 10, value: (r) => r.basis },
        { header: 'PROGRAM', width: 20, value: (r) => r.program },
      ],
      footer: `${reveals.length} reveal${reveals.length === 1 ? '' : 's'}`,
    });
  });
}
