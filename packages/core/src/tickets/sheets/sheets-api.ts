import type { sheets_v4 } from '@googleapis/sheets';
import type { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { z } from 'zod';
import { SheetsApiError, toSheetsError } from './sheets-error.js';
import type { CellValue } from './tab-table.js';
import type { RequestPacer } from './write-queue.js';

export type SheetsAuth = GoogleAuth | OAuth2Client;

export interface SpreadsheetInfo {
  readonly title: string;
  readonly tabs: readonly { readonly sheetId: number; readonly title: string }[];
}

export interface CellWrite {
  readonly range: string;
  readonly values: CellValue[][];
}

/** The Sheets v4 calls this backend makes; each is one HTTP request, paced to the quota. */
export interface SheetsApi {
  readonly spreadsheetId: string;
  describe(): Promise<SpreadsheetInfo>;
  /** values.batchGet: one request for several ranges, in order. */
  readRanges(ranges: readonly string[]): Promise<CellValue[][][]>;
  /** values.append with INSERT_ROWS: new rows are inserted after the table, never written over anything. */
  append(range: string, rows: CellValue[][]): Promise<{ updatedRange: string | null }>;
  /** values.batchUpdate: all cells in one request. */
  writeCells(writes: readonly CellWrite[]): Promise<void>;
  /** spreadsheets.batchUpdate with one addSheet request per title. */
  addTabs(titles: readonly string[]): Promise<void>;
}

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const describeResponse = z.object({
  properties: z.object({ title: z.string().optional() }).optional(),
  sheets: z.array(z.object({ properties: z.object({ sheetId: z.number().optional(), title: z.string() }) })).optional(),
});
const batchGetResponse = z.object({ valueRanges: z.array(z.object({ values: z.array(z.array(cell)).optional() })).optional() });
const appendResponse = z.object({ updates: z.object({ updatedRange: z.string().optional() }).optional() });

export interface GoogleSheetsApiOptions {
  readonly spreadsheetId: string;
  /** API root (ECM_SHEETS_API_URL); Google's when absent. */
  readonly rootUrl?: string;
  /** Reads use credentials limited to the read-only scope. */
  readonly readAuth: SheetsAuth;
  readonly writeAuth: SheetsAuth;
  readonly readPacer: RequestPacer;
  readonly writePacer: RequestPacer;
  readonly timeoutMs?: number;
  /** Added to a 403 answer: what to do about it (e.g. which account to share the sheet with). */
  readonly accessHint?: string;
}

/** The real client: `@googleapis/sheets`, loaded on first use so the local backend never pays for it. */
export async function googleSheetsApi(options: GoogleSheetsApiOptions): Promise<SheetsApi> {
  const { sheets } = await import('@googleapis/sheets');
  // Retries are ours (with read-back before re-sending), so the client's own are off.
  const common = {
    version: 'v4' as const,
    retry: false,
    timeout: options.timeoutMs ?? 30_000,
    ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
  };
  const reader = sheets({ ...common, auth: options.readAuth });
  const writer = sheets({ ...common, auth: options.writeAuth });
  return new GoogleSheetsApi(options.spreadsheetId, reader, writer, options.readPacer, options.writePacer, options.accessHint ?? null);
}

class GoogleSheetsApi implements SheetsApi {
  constructor(
    readonly spreadsheetId: string,
    private readonly reader: sheets_v4.Sheets,
    private readonly writer: sheets_v4.Sheets,
    private readonly readPacer: RequestPacer,
    private readonly writePacer: RequestPacer,
    private readonly accessHint: string | null,
  ) {}

  async #call<T>(what: string, pacer: RequestPacer, request: () => Promise<{ data: unknown }>, schema: z.ZodType<T>): Promise<T> {
    await pacer.take();
    let data: unknown;
    try {
      ({ data } = await request());
    } catch (err) {
      const failure = toSheetsError(err, what);
      if (failure instanceof SheetsApiError && failure.status === 403 && this.accessHint)
        throw new SheetsApiError(403, `${failure.message}; ${this.accessHint}`);
      throw failure;
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new Error(`${what}: unexpected answer from the Sheets API: ${parsed.error.message}`);
    return parsed.data;
  }

  async describe(): Promise<SpreadsheetInfo> {
    const data = await this.#call(
      'reading the spreadsheet',
      this.readPacer,
      () =>
        this.reader.spreadsheets.get({
          spreadsheetId: this.spreadsheetId,
          includeGridData: false,
          fields: 'properties.title,sheets.properties(sheetId,title)',
        }),
      describeResponse,
    );
    return {
      title: data.properties?.title ?? '',
      tabs: (data.sheets ?? []).map((s) => ({ sheetId: s.properties.sheetId ?? 0, title: s.properties.title })),
    };
  }

  async readRanges(ranges: readonly string[]): Promise<CellValue[][][]> {
    const data = await this.#call(
      `reading ${ranges.join(', ')}`,
      this.readPacer,
      () =>
        this.reader.spreadsheets.values.batchGet({
          spreadsheetId: this.spreadsheetId,
          ranges: [...ranges],
          majorDimension: 'ROWS',
          // Numbers and booleans as such (no thousands separators), dates as the text people see.
          valueRenderOption: 'UNFORMATTED_VALUE',
          dateTimeRenderOption: 'FORMATTED_STRING',
        }),
      batchGetResponse,
    );
    const got = data.valueRanges ?? [];
    return ranges.map((_, i) => got[i]?.values ?? []);
  }

  async append(range: string, rows: CellValue[][]): Promise<{ updatedRange: string | null }> {
    const data = await this.#call(
      `appending ${rows.length} row(s) to ${range}`,
      this.writePacer,
      () =>
        this.writer.spreadsheets.values.append({
          spreadsheetId: this.spreadsheetId,
          range,
          // RAW: text is stored as typed, so a note such as "=IMPORTXML(…)" never becomes a formula.
          valueInputOption: 'RAW',
          insertDataOption: 'INSERT_ROWS',
          requestBody: { majorDimension: 'ROWS', values: rows },
        }),
      appendResponse,
    );
    return { updatedRange: data.updates?.updatedRange ?? null };
  }

  async writeCells(writes: readonly CellWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await this.#call(
      `updating ${writes.length} range(s)`,
      this.writePacer,
      () =>
        this.writer.spreadsheets.values.batchUpdate({
          spreadsheetId: this.spreadsheetId,
          requestBody: { valueInputOption: 'RAW', data: writes.map((w) => ({ range: w.range, majorDimension: 'ROWS', values: w.values })) },
        }),
      z.unknown(),
    );
  }

  async addTabs(titles: readonly string[]): Promise<void> {
    if (titles.length === 0) return;
    await this.#call(
      `adding tabs ${titles.join(', ')}`,
      this.writePacer,
      () =>
        this.writer.spreadsheets.batchUpdate({
          spreadsheetId: this.spreadsheetId,
          requestBody: { requests: titles.map((title) => ({ addSheet: { properties: { title } } })) },
        }),
      z.unknown(),
    );
  }
}
