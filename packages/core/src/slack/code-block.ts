import { escapeMrkdwn } from './mrkdwn.js';

export type ColumnAlign = 'left' | 'right';
export type TableCell = string | number;

const FENCE = '```';

/**
 * Makes a data value safe inside a code block: one line, no backtick that could close the block,
 * and `&`, `<`, `>` escaped (Slack still reads control sequences inside code blocks).
 */
function codeSafe(raw: string): string {
  return escapeMrkdwn(raw.replace(/[\r\n\t]+/g, ' ').replace(/`/g, 'ˋ'));
}

/** Display width in code points, so padding matches what people see, not UTF-16 units. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, align: ColumnAlign): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

function plainCell(value: TableCell): string {
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** Wraps lines in a code block; the lines must already be code-safe. */
export function codeBlock(lines: readonly string[]): string {
  return `${FENCE}\n${lines.join('\n')}\n${FENCE}`;
}

/**
 * An aligned monospace table inside a code block (Slack renders no Markdown tables).
 * Columns holding only numbers are right-aligned unless `align` says otherwise. Padding is
 * computed on the raw values, escaping happens after, so escaped cells still line up on screen.
 */
export function codeTable(
  headers: readonly string[],
  rows: readonly (readonly TableCell[])[],
  options: { align?: readonly ColumnAlign[] } = {},
): string {
  const columns = Math.max(headers.length, ...rows.map((r) => r.length));
  const raw = (row: readonly TableCell[]) => Array.from({ length: columns }, (_, c) => plainCell(row[c] ?? ''));
  const head = raw(headers);
  const body = rows.map(raw);
  const widths = head.map((h, c) => Math.max(width(h), ...body.map((r) => width(r[c] ?? ''))));
  const align = widths.map((_, c): ColumnAlign => {
    const given = options.align?.[c];
    if (given) return given;
    const numeric = rows.length > 0 && rows.every((r) => typeof r[c] === 'number');
    return numeric ? 'right' : 'left';
  });
  const line = (cells: string[]) => codeSafe(cells.map((cell, c) => pad(cell, widths[c] ?? 0, align[c] ?? 'left')).join('  ')).trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return codeBlock([line(head), rule, ...body.map(line)]);
}

export interface BarChartRow {
  label: string;
  value: number;
  /** Shown after the value, e.g. "◀ spike". */
  mark?: string;
}

/**
 * A horizontal bar chart of `█` inside a code block. Bars scale to the largest value; a positive
 * value always gets at least one block so it never looks like zero.
 */
export function barChart(rows: readonly BarChartRow[], barWidth = 20, options: { formatValue?: (value: number) => string } = {}): string {
  const format = options.formatValue ?? ((v: number) => v.toLocaleString('en-US'));
  const max = Math.max(0, ...rows.map((r) => r.value));
  const labelWidth = Math.max(0, ...rows.map((r) => width(plainCell(r.label))));
  const values = rows.map((r) => format(r.value));
  const valueWidth = Math.max(0, ...values.map(width));
  const lines = rows.map((row, i) => {
    const blocks = max > 0 && row.value > 0 ? Math.max(1, Math.round((row.value / max) * barWidth)) : 0;
    const bar = '█'.repeat(blocks).padEnd(barWidth, ' ');
    const mark = row.mark ? ` ${plainCell(row.mark)}` : '';
    const text = `${pad(plainCell(row.label), labelWidth, 'left')}  ${bar}  ${pad(values[i] ?? '', valueWidth, 'right')}${mark}`;
    return codeSafe(text).trimEnd();
  });
  return codeBlock(lines);
}

/**
 * Marks each row whose value is more than `ratio` times the previous row's (the inflow spike rule:
 * more than 2× the previous day). The first row has no previous day and is never a spike.
 */
export function markSpikes(rows: readonly BarChartRow[], ratio: number, mark = '◀ spike'): BarChartRow[] {
  return rows.map((row, i) => {
    const previous = rows[i - 1];
    const spike = previous !== undefined && row.value > ratio * previous.value;
    return spike ? { ...row, mark } : { ...row };
  });
}
