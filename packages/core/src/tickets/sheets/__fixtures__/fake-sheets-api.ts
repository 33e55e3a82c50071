import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatA1, parseA1, type GridRange } from './a1-range.js';
import { errorText } from '../../../text/error-text.js';

/**
 * A local stand-in for the Google Sheets v4 REST API (https://sheets.googleapis.com/) on 127.0.0.1,
 * for the real `@googleapis/sheets` client pointed at it with ECM_SHEETS_API_URL.
 *
 * The spreadsheet is a list of tabs, each a list of rows of strings ('' is an empty cell). It
 * implements what the ticket store uses, with v4 semantics:
 * - GET  /v4/spreadsheets/{id}                       spreadsheets.get (title, tabs)
 * - POST /v4/spreadsheets/{id}:batchUpdate           spreadsheets.batchUpdate (addSheet; all or nothing)
 * - GET  /v4/spreadsheets/{id}/values/{range}        values.get
 * - GET  /v4/spreadsheets/{id}/values:batchGet       values.batchGet (ranges repeated)
 * - POST /v4/spreadsheets/{id}/values/{range}:append values.append: the table is the block of non-blank
 *   rows starting at the range's first row; rows go after it, INSERT_ROWS shifting the rows below down,
 *   OVERWRITE (the API's default) writing over whatever is there
 * - POST /v4/spreadsheets/{id}/values:batchUpdate    values.batchUpdate (null cells are skipped)
 * Returned values drop trailing empty cells and rows, as the real API does.
 */

export type SheetsMethod =
  | 'spreadsheets.get'
  | 'spreadsheets.batchUpdate'
  | 'values.get'
  | 'values.batchGet'
  | 'values.append'
  | 'values.batchUpdate';

export interface SheetsCall {
  readonly method: SheetsMethod;
  readonly httpMethod: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The A1 ranges the call names (path range, batchGet ranges, batchUpdate data ranges). */
  readonly ranges: string[];
  readonly body: unknown;
  /** HTTP status answered. */
  status?: number;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Apply the request to the spreadsheet first, then answer with this (the "answer lost" case). */
  readonly afterApplying?: boolean;
}

/** Chooses a failure for the n-th call (0-based); undefined lets the fake answer normally. May change the sheet first. */
export type Responder = (call: SheetsCall, n: number, sheet: FakeSheets) => FakeAnswer | undefined;

interface Tab {
  sheetId: number;
  title: string;
  rows: string[][];
}

export interface FakeSheets {
  readonly url: string;
  readonly spreadsheetId: string;
  readonly calls: SheetsCall[];
  /** A copy of a tab's rows (trailing empties kept as stored). */
  tab(title: string): string[][];
  tabTitles(): string[];
  /** Replaces (or creates) a tab's content, as a person editing the sheet would. */
  setTab(title: string, rows: string[][]): void;
  /** Inserts rows before 1-based row `at`, as a person inserting rows would. */
  insertRows(title: string, at: number, rows: string[][]): void;
  renameTab(title: string, to: string): void;
  respond(responder: Responder): void;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v));
const blankRow = (row: readonly string[]) => row.every((c) => c === '');

function trimValues(rows: string[][]): string[][] {
  const out = rows.map((r) => {
    let end = r.length;
    while (end > 0 && r[end - 1] === '') end--;
    return r.slice(0, end);
  });
  while (out.length > 0 && out[out.length - 1]!.length === 0) out.pop();
  return out;
}

export async function startFakeSheets(
  options: { spreadsheetId?: string; title?: string; tabs?: Record<string, string[][]> } = {},
): Promise<FakeSheets> {
  const spreadsheetId = options.spreadsheetId ?? 'fake-spreadsheet-1';
  const title = options.title ?? 'ECM Operations';
  const tabs: Tab[] = [];
  let nextSheetId = 100;
  const calls: SheetsCall[] = [];
  let responder: Responder = () => undefined;

  const findTab = (name: string): Tab => {
    const tab = tabs.find((t) => t.title === name);
    if (!tab) throw new ApiError(400, `Unable to parse range: ${name}`, 'INVALID_ARGUMENT');
    return tab;
  };
  const grid = (range: string): { tab: Tab; r: GridRange } => {
    let r: GridRange;
    try {
      r = parseA1(range);
    } catch (err) {
      throw new ApiError(400, (err as Error).message, 'INVALID_ARGUMENT');
    }
    return { tab: findTab(r.tab), r };
  };
  const cellAt = (tab: Tab, row: number, col: number) => tab.rows[row - 1]?.[col - 1] ?? '';
  const setCell = (tab: Tab, row: number, col: number, value: string) => {
    while (tab.rows.length < row) tab.rows.push([]);
    const r = tab.rows[row - 1]!;
    while (r.length < col) r.push('');
    r[col - 1] = value;
  };

  const read = (range: string) => {
    const { tab, r } = grid(range);
    const lastRow = Math.min(r.endRow, tab.rows.length);
    const lastCol = Math.min(r.endCol, Math.max(0, ...tab.rows.map((x) => x.length)));
    const rows: string[][] = [];
    for (let i = r.startRow; i <= lastRow; i++) {
      const row: string[] = [];
      for (let j = r.startCol; j <= lastCol; j++) row.push(cellAt(tab, i, j));
      rows.push(row);
    }
    const values = trimValues(rows);
    const echo = formatA1(
      tab.title,
      r.startRow,
      r.startCol,
      Number.isFinite(r.endRow) ? r.endRow : Math.max(r.startRow, lastRow),
      Number.isFinite(r.endCol) ? r.endCol : Math.max(r.startCol, lastCol),
    );
    return { range: echo, majorDimension: 'ROWS', ...(values.length > 0 ? { values } : {}) };
  };

  const valuesOf = (body: unknown): unknown[][] => {
    const values = (body as { values?: unknown } | null)?.values;
    if (!Array.isArray(values) || !values.every(Array.isArray))
      throw new ApiError(400, 'Invalid values: expected a list of rows', 'INVALID_ARGUMENT');
    return values as unknown[][];
  };

  const requireInputOption = (option: unknown) => {
    if (option !== 'RAW' && option !== 'USER_ENTERED')
      throw new ApiError(400, "'valueInputOption' is required but not specified", 'INVALID_ARGUMENT');
  };

  const append = (range: string, query: URLSearchParams, body: unknown) => {
    requireInputOption(query.get('valueInputOption'));
    const { tab, r } = grid(range);
    const values = valuesOf(body).map((row) => row.map(text));
    // The table: non-blank rows from the range's first row on; the new rows go right after it.
    let end = r.startRow - 1;
    while (end < tab.rows.length && !blankRow(tab.rows[end] ?? [])) end++;
    const at = Math.max(end, r.startRow - 1); // 0-based index of the first new row
    const insert = (query.get('insertDataOption') ?? 'OVERWRITE') === 'INSERT_ROWS';
    if (insert) {
      while (tab.rows.length < at) tab.rows.push([]);
      tab.rows.splice(at, 0, ...values.map(() => [] as string[]));
    }
    values.forEach((row, i) => {
      if (!insert) tab.rows[at + i] = [];
      row.forEach((v, j) => {
        setCell(tab, at + i + 1, r.startCol + j, v);
      });
    });
    const width = Math.max(1, ...values.map((v) => v.length));
    const updatedRange = formatA1(tab.title, at + 1, r.startCol, at + values.length, r.startCol + width - 1);
    return {
      spreadsheetId,
      tableRange: end >= r.startRow ? formatA1(tab.title, r.startRow, r.startCol, end, r.startCol + width - 1) : undefined,
      updates: { spreadsheetId, updatedRange, updatedRows: values.length, updatedColumns: width, updatedCells: values.length * width },
    };
  };

  const batchUpdateValues = (body: unknown) => {
    const b = body as { valueInputOption?: unknown; data?: unknown } | null;
    requireInputOption(b?.valueInputOption);
    if (!Array.isArray(b?.data)) throw new ApiError(400, 'Invalid data', 'INVALID_ARGUMENT');
    const data = b.data as { range?: unknown; values?: unknown }[];
    // Validate every range first: a batch is all or nothing.
    const targets = data.map((d) => ({ ...grid(String(d.range)), values: valuesOf(d) }));
    let cells = 0;
    for (const { tab, r, values } of targets) {
      values.forEach((row, i) => {
        row.forEach((v, j) => {
          if (v === null) return; // null: leave the cell as it is
          const rowNo = r.startRow + i;
          const colNo = r.startCol + j;
          if (rowNo > r.endRow || colNo > r.endCol)
            throw new ApiError(
              400,
              `Requested writing within range [${String(targets[0]?.r.tab)}], but tried writing outside it`,
              'INVALID_ARGUMENT',
            );
          setCell(tab, rowNo, colNo, text(v));
          cells++;
        });
      });
    }
    return { spreadsheetId, totalUpdatedCells: cells, totalUpdatedSheets: new Set(targets.map((t) => t.tab.title)).size };
  };

  const batchUpdateSpreadsheet = (body: unknown) => {
    const requests = (body as { requests?: unknown } | null)?.requests;
    if (!Array.isArray(requests)) throw new ApiError(400, 'Invalid requests', 'INVALID_ARGUMENT');
    const titles: string[] = [];
    for (const req of requests as Record<string, unknown>[]) {
      const add = req.addSheet as { properties?: { title?: unknown } } | undefined;
      if (!add) throw new ApiError(400, `Unsupported request: ${Object.keys(req).join(', ')}`, 'INVALID_ARGUMENT');
      const name = String(add.properties?.title ?? `Sheet${tabs.length + titles.length + 1}`);
      if (tabs.some((t) => t.title.toLowerCase() === name.toLowerCase()) || titles.includes(name)) {
        throw new ApiError(
          400,
          `Invalid requests[${titles.length}].addSheet: A sheet with the name "${name}" already exists. Please enter another name.`,
          'INVALID_ARGUMENT',
        );
      }
      titles.push(name);
    }
    const replies = titles.map((name) => {
      const tab = { sheetId: nextSheetId++, title: name, rows: [] };
      tabs.push(tab);
      return {
        addSheet: {
          properties: {
            sheetId: tab.sheetId,
            title: name,
            index: tabs.length - 1,
            sheetType: 'GRID',
            gridProperties: { rowCount: 1000, columnCount: 26 },
          },
        },
      };
    });
    return { spreadsheetId, replies };
  };

  const describe = () => ({
    spreadsheetId,
    properties: { title, locale: 'en_US', timeZone: 'Asia/Kolkata' },
    sheets: tabs.map((t, index) => ({
      properties: {
        sheetId: t.sheetId,
        title: t.title,
        index,
        sheetType: 'GRID',
        gridProperties: { rowCount: Math.max(1000, t.rows.length), columnCount: 26 },
      },
    })),
  });

  /** Routes a request; returns the call record and a function applying it. */
  const route = (httpMethod: string, url: URL, body: unknown, headers: IncomingHttpHeaders): { call: SheetsCall; apply: () => unknown } => {
    const prefix = `/v4/spreadsheets/${spreadsheetId}`;
    const path = url.pathname;
    const make = (method: SheetsMethod, ranges: string[], apply: () => unknown) => ({
      call: { method, httpMethod, path, query: url.searchParams, headers, ranges, body },
      apply,
    });
    if (!path.startsWith(prefix)) {
      return {
        call: { method: 'spreadsheets.get', httpMethod, path, query: url.searchParams, headers, ranges: [], body },
        apply: () => {
          throw new ApiError(404, 'Requested entity was not found.', 'NOT_FOUND');
        },
      };
    }
    const rest = path.slice(prefix.length);
    if (rest === '' && httpMethod === 'GET') return make('spreadsheets.get', [], describe);
    if (rest === ':batchUpdate' && httpMethod === 'POST') return make('spreadsheets.batchUpdate', [], () => batchUpdateSpreadsheet(body));
    if (rest === '/values:batchGet' && httpMethod === 'GET') {
      const ranges = url.searchParams.getAll('ranges');
      return make('values.batchGet', ranges, () => ({ spreadsheetId, valueRanges: ranges.map(read) }));
    }
    if (rest === '/values:batchUpdate' && httpMethod === 'POST') {
      const data = (body as { data?: { range?: unknown }[] } | null)?.data ?? [];
      return make(
        'values.batchUpdate',
        data.map((d) => String(d.range)),
        () => batchUpdateValues(body),
      );
    }
    const m = /^\/values\/([^/]+?)(:append)?$/.exec(rest);
    if (m) {
      const range = decodeURIComponent(m[1]!);
      if (m[2] && httpMethod === 'POST') return make('values.append', [range], () => append(range, url.searchParams, body));
      if (!m[2] && httpMethod === 'GET') return make('values.get', [range], () => read(range));
    }
    return {
      call: { method: 'spreadsheets.get', httpMethod, path, query: url.searchParams, headers, ranges: [], body },
      apply: () => {
        throw new ApiError(404, `No route for ${httpMethod} ${path}`, 'NOT_FOUND');
      },
    };
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(payload));
      };
      let body: unknown = null;
      try {
        body = raw === '' ? null : JSON.parse(raw);
      } catch {
        return send(400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
      }
      const { call, apply } = route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://127.0.0.1'), body, req.headers);
      calls.push(call);
      const answer = responder(call, calls.length - 1, fake);
      const fail = (a: FakeAnswer) => {
        call.status = a.status;
        send(
          a.status,
          a.body ?? {
            error: {
              code: a.status,
              message: a.status === 429 ? "Quota exceeded for quota metric 'Write requests'" : 'Internal error encountered.',
              status: a.status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL',
            },
          },
          a.headers,
        );
      };
      if (answer && !answer.afterApplying) return fail(answer);
      try {
        const result = apply();
        if (answer) return fail(answer);
        call.status = 200;
        return send(200, result);
      } catch (err) {
        // Anything but an ApiError is a defect of the fake itself: answer 500 with it rather than crash the test run.
        const status = err instanceof ApiError ? err.status : 500;
        call.status = status;
        return send(status, {
          error: { code: status, message: errorText(err), status: err instanceof ApiError ? err.reason : 'INTERNAL' },
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeSheets = {
    url: `http://127.0.0.1:${port}/`,
    spreadsheetId,
    calls,
    tab: (name) => findTab(name).rows.map((r) => [...r]),
    tabTitles: () => tabs.map((t) => t.title),
    setTab(name, rows) {
      const existing = tabs.find((t) => t.title === name);
      if (existing) existing.rows = rows.map((r) => [...r]);
      else tabs.push({ sheetId: nextSheetId++, title: name, rows: rows.map((r) => [...r]) });
    },
    insertRows(name, at, rows) {
      const tab = findTab(name);
      while (tab.rows.length < at - 1) tab.rows.push([]);
      tab.rows.splice(at - 1, 0, ...rows.map((r) => [...r]));
    },
    renameTab(name, to) {
      findTab(name).title = to;
    },
    respond(r) {
      responder = r;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  for (const [name, rows] of Object.entries(options.tabs ?? {})) fake.setTab(name, rows);
  return fake;
}
