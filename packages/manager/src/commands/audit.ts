import { CliError, EXIT } from '../exit-codes.js';
import { textTable } from '../render/text-table.js';
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
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ reveals })}\n`);
      return EXIT.ok;
    }
    if (reveals.length === 0) {
      process.stdout.write('No personal data was revealed in this period.\n');
      return EXIT.ok;
    }
    process.stdout.write(
      `${textTable(
        [
          { header: 'WHEN (UTC)', width: 24, value: (r: (typeof reveals)[number]) => r.revealed_at },
          { header: 'AGENT', width: 28, value: (r) => r.agent_email },
          { header: 'ORDER', width: 16, value: (r) => r.order_id },
          { header: 'BASIS', width: 10, value: (r) => r.basis },
          { header: 'PROGRAM', width: 20, value: (r) => r.program },
        ],
        reveals,
      )}\n${reveals.length} reveal${reveals.length === 1 ? '' : 's'}\n`,
    );
    return EXIT.ok;
  });
}
