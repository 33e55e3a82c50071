import { DEFAULT_RETRY, sleep, type RetryPolicy } from './retry.js';
import { googleSheetsApi } from './sheets-api.js';
import { sheetsCredentials } from './sheets-auth.js';
import { sheetsSettingsFromEnv } from './sheets-config.js';
import { SheetsSession } from './sheets-session.js';
import { SheetsTicketStore } from './sheets-ticket-store.js';
import { channelFor, SHEETS_QUOTA, type Clock, type Quota, type SpreadsheetChannel } from './write-queue.js';

export interface OpenSheetsOptions {
  readonly retry?: RetryPolicy;
  readonly quota?: Quota;
  readonly clock?: Clock;
  /** The write queue and pacers to use; by default the one this process shares for the spreadsheet. */
  readonly channel?: SpreadsheetChannel;
  /** Max Tickets for an agent whose cell is blank. */
  readonly defaultMaxTickets?: number;
  readonly timeoutMs?: number;
}

/**
 * The Sheets backend, from GOOGLE_SHEETS_SPREADSHEET_ID, GOOGLE_APPLICATION_CREDENTIALS or
 * GOOGLE_OAUTH_ACCESS_TOKEN, and ECM_SHEETS_API_URL. Nothing is requested until the first call.
 */
export async function openSheetsTicketStore(
  env: NodeJS.ProcessEnv = process.env,
  options: OpenSheetsOptions = {},
): Promise<SheetsTicketStore> {
  const settings = sheetsSettingsFromEnv(env);
  const credentials = await sheetsCredentials(settings);
  const clock = options.clock ?? { now: () => Date.now(), sleep };
  const channel =
    options.channel ??
    channelFor(`${settings.apiUrl ?? 'https://sheets.googleapis.com/'} ${settings.spreadsheetId}`, options.quota ?? SHEETS_QUOTA, clock);
  const api = await googleSheetsApi({
    spreadsheetId: settings.spreadsheetId,
    ...(settings.apiUrl ? { rootUrl: settings.apiUrl } : {}),
    readAuth: credentials.read,
    writeAuth: credentials.write,
    readPacer: channel.readPacer,
    writePacer: channel.writePacer,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(credentials.principal ? { accessHint: `share the sheet with ${credentials.principal} as Editor` } : {}),
  });
  const session = new SheetsSession(api, channel, options.retry ?? DEFAULT_RETRY);
  return new SheetsTicketStore(session, {
    label: `Google Sheet ${settings.spreadsheetId}${settings.apiUrl ? ` at ${settings.apiUrl}` : ''}`,
    principal: credentials.principal,
    ...(options.defaultMaxTickets !== undefined ? { defaultMaxTickets: options.defaultMaxTickets } : {}),
  });
}
