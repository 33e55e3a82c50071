import { oneLine } from '@ecm/core/text';
import { visibleLength } from './style.js';

export interface Column<R> {
  readonly header: string;
  readonly value: (row: R) => string;
  readonly align?: 'left' | 'right';
  /** Colour applied after padding, so escape codes never break alignment. */
  readonly paint?: (text: string, row: R) => string;
  /** Longest text shown; longer values end with "…". */
  readonly max?: number;
}

const clip = (text: string, max: number | undefined) =>
  max !== undefined && [...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text;

/** Aligned plain-text columns, widths taken from the data. */
export function textTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  // Cells hold data: an escape sequence in a value is removed before it can reach the terminal.
  const cells = rows.map((r) => columns.map((c) => clip(oneLine(c.value(r)), c.max)));
  const widths = columns.map((c, i) => Math.max(visibleLength(c.header), ...cells.map((row) => visibleLength(row[i] ?? ''))));
  const pad = (text: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(text)));
    return columns[i]?.align === 'right' ? fill + text : text + fill;
  };
  const head = columns
    .map((c, i) => pad(c.header, i))
    .join('  ')
    .trimEnd();
  const body = cells.map((row, r) =>
    row
      .map((text, i) => {
        const padded = pad(text, i);
        const paint = columns[i]?.paint;
        return paint ? paint(padded, rows[r] as R) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
  return [head, ...body].join('\n');
}
