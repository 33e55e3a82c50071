import type { WarehouseAccess } from './warehouse-access.js';

/** A double-quoted SQL identifier (names come from configuration and flags, never from a caller's query). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface RoleSqlOptions {
  /** The role warehouse_query connects as (ECM_WAREHOUSE_QUERY_URL). */
  readonly role: string;
  /** The schema holding the business tables. */
  readonly schema: string;
  readonly access: WarehouseAccess;
  /** The columns of each allowed table that has personal-data columns: the others are granted by name. */
  readonly columnsOf?: ReadonlyMap<string, readonly string[]>;
  /** statement_timeout for the role's sessions. */
  readonly timeoutMs?: number;
}

export class RoleSqlError extends Error {}

/**
 * The statements that make the real boundary behind the guard: a login role that can read only the
 * allowed tables, and of a table with personal-data columns only its other columns. Whatever a
 * guard bug lets through, PostgreSQL itself then refuses customers, PII columns, their statistics
 * (pg_stats shows only readable columns), server files and writes.
 */
export function roleStatements(options: RoleSqlOptions): string[] {
  const role = quoteIdent(options.role);
  const schema = quoteIdent(options.schema);
  const timeout = Math.max(1, Math.floor(options.timeoutMs ?? 30_000));
  const out = [
    `CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT`,
    `ALTER ROLE ${role} SET default_transaction_read_only = on`,
    `ALTER ROLE ${role} SET standard_conforming_strings = on`,
    `ALTER ROLE ${role} SET statement_timeout = ${timeout}`,
    `ALTER ROLE ${role} SET lock_timeout = 5000`,
    `ALTER ROLE ${role} SET idle_in_transaction_session_timeout = ${timeout + 10_000}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`,
    `REVOKE CREATE ON SCHEMA ${schema} FROM ${role}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
  ];
  for (const table of options.access.tableNames) {
    const pii = options.access.piiOf(table);
    const target = `${schema}.${quoteIdent(table)}`;
    if (pii.size === 0) {
      out.push(`GRANT SELECT ON ${target} TO ${role}`);
      continue;
    }
    const columns = options.columnsOf?.get(table);
    if (!columns)
      throw new RoleSqlError(
        `${table} has personal-data columns (${[...pii].join(', ')}), so its other columns must be granted by name, but they are unknown: point ECM_WAREHOUSE_URL at the warehouse.`,
      );
    const readable = columns.filter((c) => !pii.has(c.toLowerCase()));
    if (readable.length > 0) out.push(`GRANT SELECT (${readable.map(quoteIdent).join(', ')}) ON ${target} TO ${role}`);
  }
  return out;
}

/** The statements as one script to review and run (psql -f). */
export function roleSql(options: RoleSqlOptions): string {
  return [
    `-- ecm-gateway: a SELECT-only role for warehouse_query (ECM_WAREHOUSE_QUERY_URL), schema ${options.schema}.`,
    `-- Only these tables: ${options.access.tableNames.join(', ')}; never ${[...options.access.piiColumns.keys()].filter((t) => !options.access.tables.has(t)).join(', ') || 'any personal-data table'}, never a personal-data column.`,
    '-- Run as the owner of the tables, then give the role a password: ALTER ROLE … PASSWORD …;',
    '-- On Redshift use CREATE USER … PASSWORD … instead of CREATE ROLE, and drop the ALTER ROLE … SET lines it does not know.',
    ...roleStatements(options).map((s) => `${s};`),
    '',
  ].join('\n');
}
