import { z } from 'zod';

/** Where the sheet is and how to sign in, from the environment. */
export interface SheetsSettings {
  readonly spreadsheetId: string;
  /** ECM_SHEETS_API_URL: another API root (private Google endpoint, or a local stand-in in tests). */
  readonly apiUrl: string | null;
  readonly credentials: { readonly kind: 'access_token'; readonly token: string } | { readonly kind: 'key_file'; readonly path: string };
  /** GOOGLE_CLOUD_QUOTA_PROJECT: the project billed for a user's token (sent as x-goog-user-project). */
  readonly quotaProject: string | null;
}

export class SheetsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SheetsConfigError';
  }
}

const SETUP =
  'set GOOGLE_SHEETS_SPREADSHEET_ID, and GOOGLE_APPLICATION_CREDENTIALS (a service-account key file) or GOOGLE_OAUTH_ACCESS_TOKEN';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const optional = z.preprocess(blankToUndefined, z.string().optional());

const envSchema = z.object({
  GOOGLE_SHEETS_SPREADSHEET_ID: optional,
  GOOGLE_APPLICATION_CREDENTIALS: optional,
  GOOGLE_OAUTH_ACCESS_TOKEN: optional,
  GOOGLE_CLOUD_QUOTA_PROJECT: optional,
  ECM_SHEETS_API_URL: z.preprocess(
    blankToUndefined,
    z.url({ protocol: /^https?$/, error: 'ECM_SHEETS_API_URL must be an http(s) URL' }).optional(),
  ),
});

/** A spreadsheet id, or the id inside a pasted sheet URL (…/spreadsheets/d/<id>/edit). */
export function spreadsheetIdOf(text: string): string {
  const fromUrl = /\/spreadsheets\/d\/([A-Za-z0-9_-]+)/.exec(text);
  const id = fromUrl ? fromUrl[1]! : text;
  if (!/^[A-Za-z0-9_-]+$/.test(id))
    throw new SheetsConfigError(`GOOGLE_SHEETS_SPREADSHEET_ID "${text}" is neither a spreadsheet id nor a Google Sheets URL`);
  return id;
}

/** Reads the Sheets settings; a short-lived token wins over a key file when both are set (it was given on purpose). */
export function sheetsSettingsFromEnv(env: NodeJS.ProcessEnv): SheetsSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new SheetsConfigError(parsed.error.issues.map((i) => i.message).join('; '));
  const e = parsed.data;
  if (!e.GOOGLE_SHEETS_SPREADSHEET_ID) throw new SheetsConfigError(`ECM_TICKETS=sheets needs the sheet: ${SETUP}`);
  const credentials = e.GOOGLE_OAUTH_ACCESS_TOKEN
    ? ({ kind: 'access_token', token: e.GOOGLE_OAUTH_ACCESS_TOKEN } as const)
    : e.GOOGLE_APPLICATION_CREDENTIALS
      ? ({ kind: 'key_file', path: e.GOOGLE_APPLICATION_CREDENTIALS } as const)
      : null;
  if (!credentials) throw new SheetsConfigError(`ECM_TICKETS=sheets needs credentials: ${SETUP}`);
  return {
    spreadsheetId: spreadsheetIdOf(e.GOOGLE_SHEETS_SPREADSHEET_ID),
    apiUrl: e.ECM_SHEETS_API_URL ?? null,
    credentials,
    quotaProject: e.GOOGLE_CLOUD_QUOTA_PROJECT ?? null,
  };
}
