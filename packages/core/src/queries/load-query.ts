import { readFileSync } from 'node:fs';
import path from 'node:path';

const cache = new Map<string, string>();

/** Reads shared/queries/NAME.sql once per process. */
export function loadQuery(sharedDir: string, name: string): string {
  const file = path.join(sharedDir, 'queries', `${name}.sql`);
  let sql = cache.get(file);
  if (sql === undefined) {
    sql = readFileSync(file, 'utf8');
    cache.set(file, sql);
  }
  return sql;
}

/** A quoted SQL literal for a validated upper-case code (config schema guarantees the shape). */
export function sqlCode(value: string): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(value)) throw new Error(`refusing to put ${JSON.stringify(value)} into SQL: not an upper-case code`);
  return `'${value}'`;
}

/** Fills {{name}} placeholders with lists of codes; an unfilled placeholder is an error. */
export function fillCodeLists(sql: string, lists: Readonly<Record<string, string | readonly string[]>>): string {
  const out = sql.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = lists[key];
    if (value === undefined) throw new Error(`query placeholder {{${key}}} has no value`);
    return (typeof value === 'string' ? [value] : value).map(sqlCode).join(', ');
  });
  return out;
}
