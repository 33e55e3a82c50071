import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SheetsAuth } from './sheets-api.js';
import { SheetsConfigError, type SheetsSettings } from './sheets-config.js';
import { errorText } from '../../text/error-text.js';

export const READ_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';
export const WRITE_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

export interface SheetsCredentials {
  readonly read: SheetsAuth;
  readonly write: SheetsAuth;
  /** Who the sheet must be shared with (service accounts), for messages. */
  readonly principal: string | null;
}

const keyFile = z.object({ type: z.string(), client_email: z.string().optional() });

/**
 * Credentials for reads (read-only scope) and for writes. A service-account key signs its own
 * scoped JWTs (no round trip to the token endpoint); other key-file types (workload identity
 * federation, impersonation) go through google-auth-library's usual flows. A bearer token from
 * `gcloud auth print-access-token` carries whatever scopes it was issued with.
 */
export async function sheetsCredentials(settings: SheetsSettings): Promise<SheetsCredentials> {
  const { GoogleAuth, OAuth2Client } = await import('google-auth-library');
  if (settings.credentials.kind === 'access_token') {
    // A user's token (not a service account's) may need a project to bill: x-goog-user-project.
    const client = new OAuth2Client(settings.quotaProject ? { quotaProjectId: settings.quotaProject } : {});
    client.setCredentials({ access_token: settings.credentials.token });
    return { read: client, write: client, principal: null };
  }
  const path = settings.credentials.path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SheetsConfigError(`GOOGLE_APPLICATION_CREDENTIALS: cannot read ${path}: ${errorText(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SheetsConfigError(`GOOGLE_APPLICATION_CREDENTIALS: ${path} is not JSON (expected a Google credentials file)`);
  }
  const parsed = keyFile.safeParse(json);
  if (!parsed.success) throw new SheetsConfigError(`GOOGLE_APPLICATION_CREDENTIALS: ${path} is not a Google credentials file (no "type")`);
  const make = (scope: string) => {
    const auth = new GoogleAuth({ keyFilename: path, scopes: [scope] });
    auth.useJWTAccessWithScope = true;
    return auth;
  };
  return { read: make(READ_SCOPE), write: make(WRITE_SCOPE), principal: parsed.data.client_email ?? null };
}
