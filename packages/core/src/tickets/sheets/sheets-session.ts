import { cellRange, rowRange, tabRange } from './a1.js';
import { withRetry, type RetryPolicy } from './retry.js';
import type { SheetsApi, SpreadsheetInfo } from './sheets-api.js';
import { SheetLayoutError, SheetsApiError } from './sheets-error.js';
import { rawKey } from './tab-records.js';
import { sameTitle, TAB_KEYS, TABS, type TabKey } from './tab-layout.js';
import { cellText, missingForWrite, rowCells, tableOf, type CellValue, type SheetRow, type TabTable } from './tab-table.js';
import type { SpreadsheetChannel } from './write-queue.js';

/** A row to change in place: found by its key, re-read just before the write to be sure it still holds that key. */
export interface RowEdit {
  readonly table: TabTable;
  readonly row: number;
  readonly key: string;
  /** Cells to write, by column key; columns the tab lacks are left out. */
  readonly values: Readonly<Record<string, CellValue>>;
  /** Further checks on the re-read row (throws to refuse the write). */
  readonly verify?: (row: SheetRow) => void;
}

/** A row moved (rows were inserted or deleted above it) between reading it and writing it: the operation starts over. */
class RowMovedError extends Error {}

const MAX_RESTARTS = 5;

const width = (t: TabTable) => Math.max(t.header.length, ...[...t.columns.values()].map((i) => i + 1));

/** One spreadsheet as this process sees it: its tabs, the retry policy, and the shared write queue. */
export class SheetsSession {
  #info: SpreadsheetInfo | null = null;

  constructor(
    readonly api: SheetsApi,
    readonly channel: SpreadsheetChannel,
    readonly retry: RetryPolicy,
  ) {}

  /** The spreadsheet's title and tabs (cached; `refresh` asks again). Callers run it inside `read` or `write`, which retry. */
  async info(refresh = false): Promise<SpreadsheetInfo> {
    if (!this.#info || refresh) this.#info = await this.api.describe();
    return this.#info;
  }

  /** The actual title of each of the six tabs that exists (matched ignoring case and spaces). */
  async tabTitles(refresh = false): Promise<Map<TabKey, string>> {
    const info = await this.info(refresh);
    const found = new Map<TabKey, string>();
    for (const key of TAB_KEYS) {
      const tab = info.tabs.find((t) => sameTitle(t.title, TABS[key].title));
      if (tab) found.set(key, tab.title);
    }
    return found;
  }

  /** Reads whole tabs in one request. A tab that does not exist is a layout error naming `sheets init`. */
  async readTabs<K extends TabKey>(keys: readonly K[]): Promise<Record<K, TabTable>> {
    try {
      return await this.#readTabs(keys, false);
    } catch (err) {
      // 400 "Unable to parse range": a tab was renamed since the titles were cached.
      if (err instanceof SheetsApiError && err.status === 400) return this.#readTabs(keys, true);
      throw err;
    }
  }

  async #readTabs<K extends TabKey>(keys: readonly K[], refresh: boolean): Promise<Record<K, TabTable>> {
    let titles = await this.tabTitles(refresh);
    if (!refresh && keys.some((k) => !titles.has(k))) titles = await this.tabTitles(true);
    const absent = keys.filter((k) => !titles.has(k));
    if (absent.length > 0) {
      throw new SheetLayoutError(
        `the sheet has no ${absent.map((k) => `"${TABS[k].title}"`).join(', ')} tab; run "ecm-manager sheets init" to create it`,
      );
    }
    const values = await this.api.readRanges(keys.map((k) => tabRange(titles.get(k)!)));
    const out = {} as Record<K, TabTable>;
    keys.forEach((k, i) => {
      out[k] = tableOf(TABS[k], titles.get(k)!, values[i] ?? []);
    });
    return out;
  }

  /** Runs a read with retries. */
  read<T>(op: () => Promise<T>): Promise<T> {
    return withRetry(this.retry, op);
  }

  /**
   * Runs a write operation through the spreadsheet's queue (one at a time per spreadsheet in this
   * process), retrying on 429/5xx. `op` must start from a fresh read: a retry then sees what an
   * earlier attempt already wrote and does not write it again.
   */
  write<T>(op: () => Promise<T>): Promise<T> {
    return this.channel.writes.run(async () => {
      for (let restart = 0; ; restart++) {
        try {
          return await withRetry(this.retry, op);
        } catch (err) {
          if (!(err instanceof RowMovedError) || restart >= MAX_RESTARTS) throw err;
        }
      }
    });
  }

  /** Refuses to write into a tab that lacks columns the product writes. */
  requireWritable(table: TabTable): void {
    if (table.headerRow === 0)
      throw new SheetLayoutError(
        `the "${table.title}" tab has no header row; run "ecm-manager sheets init" or add the header ${table.spec.columns.map((c) => c.header).join(', ')}`,
      );
    const missing = missingForWrite(table);
    if (missing.length > 0)
      throw new SheetLayoutError(
        `the "${table.title}" tab lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c.header}"`).join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} to the header row (any position)`,
      );
  }

  /**
   * Appends rows with values.append and INSERT_ROWS, each laid out in the tab's own column order.
   * The range names the last non-blank row read, so the API's table search starts there: the new
   * rows go after it and after anything appended since (never between existing rows, so no other
   * writer's row moves), and INSERT_ROWS means nothing is ever written over.
   */
  async appendRows(table: TabTable, records: readonly Readonly<Record<string, CellValue>>[]): Promise<void> {
    if (records.length === 0) return;
    this.requireWritable(table);
    const anchor = table.rows.at(-1)?.row ?? table.headerRow;
    await this.api.append(
      rowRange(table.title, anchor, width(table)),
      records.map((r) => rowCells(table, r)),
    );
  }

  /** Re-reads the rows to change (one request), checks each still holds its key, then writes every cell in one batchUpdate. */
  async editRows(edits: readonly RowEdit[]): Promise<void> {
    if (edits.length === 0) return;
    const fresh = await this.api.readRanges(edits.map((e) => rowRange(e.table.title, e.row, width(e.table))));
    edits.forEach((e, i) => {
      const row: SheetRow = { row: e.row, cells: (fresh[i]?.[0] ?? []).map(cellText) };
      if (rawKey(e.table, row) !== e.key) throw new RowMovedError(`row ${e.row} of ${e.table.title} no longer holds the row being changed`);
      e.verify?.(row);
    });
    const writes = edits.flatMap((e) =>
      Object.entries(e.values).flatMap(([key, value]) => {
        const column = e.table.columns.get(key);
        return column === undefined ? [] : [{ range: cellRange(e.table.title, column, e.row), values: [[value]] }];
      }),
    );
    await this.api.writeCells(writes);
  }
}
