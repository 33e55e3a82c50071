/** A1 ranges as the Sheets v4 API reads them, for the fake server. Rows and columns are 1-based, ends inclusive. */
export interface GridRange {
  readonly tab: string;
  readonly startRow: number;
  readonly startCol: number;
  /** Infinity when open-ended (a whole tab, whole columns). */
  readonly endRow: number;
  readonly endCol: number;
}

export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function columnName(n: number): string {
  let out = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) out = String.fromCharCode(65 + ((x - 1) % 26)) + out;
  return out;
}

const REF = /^([A-Za-z]*)(\d*)$/;

/** Parses `Tab`, `'Tab name'`, `Tab!A1`, `Tab!A1:C9`, `Tab!A:C`, `Tab!3:5`, `Tab!A3:C`. */
export function parseA1(range: string): GridRange {
  let tab: string;
  let rest: string;
  if (range.startsWith("'")) {
    let i = 1;
    let name = '';
    for (; i < range.length; i++) {
      if (range[i] === "'" && range[i + 1] === "'") {
        name += "'";
        i++;
      } else if (range[i] === "'") break;
      else name += range[i];
    }
    if (i >= range.length) throw new Error(`Unable to parse range: ${range}`);
    tab = name;
    rest = range.slice(i + 1);
  } else {
    const bang = range.indexOf('!');
    tab = bang < 0 ? range : range.slice(0, bang);
    rest = bang < 0 ? '' : range.slice(bang);
  }
  if (rest === '') return { tab, startRow: 1, startCol: 1, endRow: Infinity, endCol: Infinity };
  if (!rest.startsWith('!')) throw new Error(`Unable to parse range: ${range}`);
  const [from, to, extra] = rest.slice(1).split(':');
  if (extra !== undefined || from === undefined) throw new Error(`Unable to parse range: ${range}`);
  const a = REF.exec(from);
  const b = to === undefined ? a : REF.exec(to);
  if (!a || !b || (a[1] === '' && a[2] === '')) throw new Error(`Unable to parse range: ${range}`);
  const startCol = a[1] ? columnNumber(a[1]) : 1;
  const startRow = a[2] ? Number(a[2]) : 1;
  const endCol = b[1] ? columnNumber(b[1]) : to === undefined ? startCol : Infinity;
  const endRow = b[2] ? Number(b[2]) : to === undefined ? startRow : Infinity;
  if (startRow < 1 || endRow < startRow || endCol < startCol) throw new Error(`Unable to parse range: ${range}`);
  return { tab, startRow, startCol, endRow, endCol };
}

/** `'Tab'!A1:C3`, as the API echoes ranges back. */
export function formatA1(tab: string, startRow: number, startCol: number, endRow: number, endCol: number): string {
  return `'${tab.replace(/'/g, "''")}'!${columnName(startCol)}${startRow}:${columnName(endCol)}${endRow}`;
}
