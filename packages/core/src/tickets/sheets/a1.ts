/** A1 notation for the ranges this backend sends (always with the tab's title). */

/** 'Pattern Intelligence' — titles are always quoted, with quotes doubled. */
export const quoteTitle = (title: string): string => `'${title.replace(/'/g, "''")}'`;

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** The whole tab. */
export const tabRange = (title: string): string => quoteTitle(title);

/** One cell: column index (0-based), row number (1-based). */
export const cellRange = (title: string, column: number, row: number): string => `${quoteTitle(title)}!${columnLetters(column)}${row}`;

/** One row from column A to the given width. */
export const rowRange = (title: string, row: number, width: number): string =>
  `${quoteTitle(title)}!A${row}:${columnLetters(Math.max(width, 1) - 1)}${row}`;
