/** `## Heading` → the text under it (up to the next `## `), headings as written. */
export function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current !== null) out.set(current, lines.join('\n').trim());
  };
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^##\s+(.+?)\s*$/.exec(line);
    if (heading && !line.startsWith('###')) {
      flush();
      current = heading[1] as string;
      lines = [];
    } else lines.push(line);
  }
  flush();
  return out;
}

/** The rows of the first pipe table in `text`, keyed by header (cells trimmed, backticks removed). */
export function tableRows(text: string): Record<string, string>[] {
  const rows = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('|'));
  const cells = (line: string) =>
    line
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((c) => c.trim().replace(/^`(.*)`$/, '$1'));
  const [header, separator, ...body] = rows;
  if (!header || !separator || !/^\|[\s:|-]+\|?$/.test(separator)) return [];
  const keys = cells(header);
  return body.map((line) => Object.fromEntries(cells(line).map((c, i) => [keys[i] ?? `column${i}`, c])));
}

/** The numbered items of a list ("1. Do this") with their continuation lines joined. */
export function numberedItems(text: string): string[] {
  const items: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const item = /^\s*\d+\.\s+(.*)$/.exec(line);
    if (item) items.push(item[1] as string);
    else if (items.length > 0 && /^\s{2,}\S/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
  }
  return items;
}
