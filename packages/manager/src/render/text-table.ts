import { oneLine } from '@ecm/core/text';

export interface Column<T> {
  readonly header: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
  readonly value: (row: T) => string;
}

/** Cuts text to `width`, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** A fixed-width plain-text table (terminals, logs, Slack code blocks). The last column may overflow. */
export function textTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cell = (c: Column<T>, text: string, last: boolean) => {
    // Cells hold data (names, reasons, notes): no control character or escape sequence reaches a terminal.
    const t = fit(oneLine(text), c.width);
    if (last && c.align !== 'right') return t;
    return c.align === 'right' ? t.padStart(c.width) : t.padEnd(c.width);
  };
  const line = (texts: string[]) =>
    columns
      .map((c, i) => cell(c, texts[i]!, i === columns.length - 1))
      .join(' ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map((r) => line(columns.map((c) => c.value(r))))].join('\n');
}

export const formatInt = (n: number): string => Math.round(n).toLocaleString('en-US');
