import { normalizeHeader, type ColumnSpec, type TabSpec } from './tab-layout.js';

/** A cell as the Sheets API returns it with UNFORMATTED_VALUE: people's cells may be numbers or booleans. */
export type CellValue = string | number | boolean | null;

/** A row of a tab as text, with its 1-based row number in the sheet. */
export interface SheetRow {
  readonly row: number;
  readonly cells: readonly string[];
}

/** Something in the sheet that could not be understood: reported, skipped, never rewritten. */
export interface SheetProblem {
  readonly tab: string;
  readonly row: number;
  readonly why: string;
}

/** One tab as read: its header row mapped by name, and its non-blank data rows. */
export interface TabTable {
  readonly spec: TabSpec;
  /** The tab's title in this spreadsheet (people may have changed its case). */
  readonly title: string;
  /** Row number of the header row; 0 when the tab is empty. */
  readonly headerRow: number;
  readonly header: readonly string[];
  /** Column key → 0-based column index. */
  readonly columns: ReadonlyMap<string, number>;
  /** Columns of the spec this tab lacks. */
  readonly missing: readonly ColumnSpec[];
  readonly rows: readonly SheetRow[];
  /** Problems with the header itself (duplicate columns). */
  readonly problems: readonly SheetProblem[];
}

export const cellText = (v: CellValue | undefined): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
};

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '');

/**
 * Maps a tab's values (from row `firstRow`) to a table: the first non-blank row is the header,
 * blank rows are dropped, columns are found by header name whatever their order.
 */
export function tableOf(spec: TabSpec, title: string, values: readonly (readonly CellValue[])[], firstRow = 1): TabTable {
  const text = values.map((r) => r.map(cellText));
  const headerIndex = text.findIndex((r) => !isBlank(r));
  if (headerIndex < 0)
    return { spec, title, headerRow: 0, header: [], columns: new Map(), missing: [...spec.columns], rows: [], problems: [] };
  const header = text[headerIndex]!;
  const byName = new Map<string, number>();
  const problems: SheetProblem[] = [];
  const headerRow = firstRow + headerIndex;
  header.forEach((h, i) => {
    const name = normalizeHeader(h);
    if (name === '') return;
    if (byName.has(name)) problems.push({ tab: title, row: headerRow, why: `column "${h.trim()}" appears twice; the first one is used` });
    else byName.set(name, i);
  });
  const columns = new Map<string, number>();
  const missing: ColumnSpec[] = [];
  for (const c of spec.columns) {
    const i = [c.header, ...(c.aliases ?? [])].map((n) => byName.get(normalizeHeader(n))).find((x) => x !== undefined);
    if (i === undefined) missing.push(c);
    else columns.set(c.key, i);
  }
  const rows = text
    .slice(headerIndex + 1)
    .map((cells, i) => ({ row: headerRow + 1 + i, cells }))
    .filter((r) => !isBlank(r.cells));
  return { spec, title, headerRow, header, columns, missing, rows, problems };
}

/** The trimmed text of a row's cell for a column key ('' when the tab has no such column). */
export function cellOf(table: TabTable, row: SheetRow, key: string): string {
  const i = table.columns.get(key);
  return i === undefined ? '' : (row.cells[i] ?? '').trim();
}

/** Columns a read needs that the tab lacks. */
export function missingForRead(table: TabTable): ColumnSpec[] {
  return table.missing.filter((c) => !c.optional && !c.readOptional);
}

/** Columns a write needs that the tab lacks (optional ones are simply left out). */
export function missingForWrite(table: TabTable): ColumnSpec[] {
  return table.missing.filter((c) => !c.optional);
}

/** Lays record values out in the tab's own column order; columns the product does not know stay blank. */
export function rowCells(table: TabTable, values: Readonly<Record<string, CellValue>>): CellValue[] {
  const width = Math.max(table.header.length, ...[...table.columns.values()].map((i) => i + 1));
  const cells: CellValue[] = Array.from({ length: width }, () => '');
  for (const [key, i] of table.columns) {
    const v = values[key];
    if (v !== undefined) cells[i] = v;
  }
  return cells;
}
