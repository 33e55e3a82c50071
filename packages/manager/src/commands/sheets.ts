import { CliError, EXIT } from '../exit-codes.js';
import { notice } from '../context.js';
import { withTicketStore } from './with-state.js';
import { initSheets, SheetsTicketStore } from '@ecm/core/sheets';

/** `ecm-manager sheets init`: creates any missing tab with its header row; never touches existing data. */
export async function sheetsInitCommand(options: { json?: boolean }): Promise<number> {
  if ((process.env.ECM_TICKETS ?? '').trim() !== 'sheets') {
    throw new CliError(
      'set ECM_TICKETS=sheets, GOOGLE_SHEETS_SPREADSHEET_ID and credentials first (see packages/core/src/tickets/sheets/README.md)',
      EXIT.config,
    );
  }
  const result = await withTicketStore('sheets init', async (store) => {
    if (!(store instanceof SheetsTicketStore)) throw new CliError('the ticket store is not the Google Sheet', EXIT.config);
    return initSheets(store);
  });
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    notice(
      `Sheet ready: created ${result.created.length ? result.created.join(', ') : 'no tabs'}; headers written on ${result.headed.length ? result.headed.join(', ') : 'no tabs'}; kept ${result.kept.join(', ') || 'nothing'} as they were.`,
    );
  return EXIT.ok;
}
