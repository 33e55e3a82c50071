import { z } from 'zod';
import { runReadOnlyQuery, type JsonValue } from '../sql/run-read-only-query.js';
import { FUNCTION_LIST } from '../sql/allowed-sql.js';
import { WarehouseAccess } from '../warehouse/warehouse-access.js';
import { TABLE_MEANINGS } from '../warehouse/warehouse-catalog.js';
import { defineTool } from './define-tool.js';
import { ToolError } from './tool-error.js';

/** One WarehouseAccess per configuration object: built once, not per call. */
const accessByConfig = new WeakMap<object, WarehouseAccess>();
function accessOf(settings: { readonly warehouse_access: ConstructorParameters<typeof WarehouseAccess>[0] }): WarehouseAccess {
  let access = accessByConfig.get(settings);
  if (!access) {
    access = new WarehouseAccess(settings.warehouse_access);
    accessByConfig.set(settings, access);
  }
  return access;
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

function cellText(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/[\t\n]/g, ' ');
}

export const warehouseQuery = defineTool({
  name: 'warehouse_query',
  title: 'Run one read-only SQL query on the warehouse',
  description: [
    'Runs exactly one read-only SELECT (or WITH … SELECT) on the ECM warehouse (PostgreSQL/Redshift SQL) and returns the rows.',
    'Limits: at most 500 rows (max_rows asks for fewer) and 256 KiB of JSON; `truncated` says when the result was cut.',
    'The statement runs in a READ ONLY transaction that is always rolled back, with a 30 s time limit.',
    'Accepted: one SELECT with CTEs, joins, subqueries, UNION/INTERSECT/EXCEPT and window functions, over the tables warehouse_list_tables lists (personal data such as the customers table is not readable);',
    'operators = <> < > <= >= + - * / % ||, LIKE/ILIKE, IN, BETWEEN, IS [NOT] NULL/DISTINCT FROM, CASE, COALESCE, NULLIF, GREATEST/LEAST, casts to number/text/boolean/date/time/timestamp/interval,',
    `and these functions: ${FUNCTION_LIST}.`,
    "Refused, with one sentence saying why: everything else — other functions, catalogs and statistics (pg_*, information_schema), WITH RECURSIVE, functions in FROM, VALUES, E''/dollar-quoted strings and backslashes, more than 4 concatenations, writes, SET, locks.",
    'On the embedded demo warehouse, statements the planner expects to be very expensive are refused too.',
    'Timestamps are UTC, returned as text; amounts and counts of type numeric/bigint are text.',
    'Use warehouse_list_tables and warehouse_describe_table to find tables and columns.',
  ].join(' '),
  input: {
    sql: z.string().min(1).max(50_000).describe('One SELECT statement'),
    max_rows: z.number().int().min(1).max(500).optional().describe('Return at most this many rows (default and maximum: 500)'),
  },
  output: {
    columns: z.array(z.string()),
    rows: z.array(z.array(z.unknown())).describe('One array per row, values in the order of `columns`'),
    row_count: z.number().int(),
    truncated: z.boolean(),
    truncated_by: z.enum(['rows', 'bytes']).nullable(),
    max_rows: z.number().int(),
    max_bytes: z.number().int(),
    elapsed_ms: z.number(),
    warehouse: z.string(),
  },
  annotations: READ_ONLY,
  async run(ctx, args) {
    const warehouse = await ctx.warehouse();
    const settings = ctx.querySettings(warehouse);
    const maxRows = Math.min(args.max_rows ?? settings.maxRows, settings.maxRows);
    const session = await ctx.readOnlySession();
    const outcome = await runReadOnlyQuery(session, args.sql, { ...settings, maxRows, access: accessOf(ctx.config.settings) });
    if (!outcome.ok) {
      ctx.log.warn({ tool: 'warehouse_query', refused: outcome.refused, sql: args.sql.slice(0, 2000) }, outcome.message);
      throw new ToolError(outcome.message);
    }
    const r = outcome.result;
    const lines = [r.columns.join('\t'), ...r.rows.map((row) => row.map(cellText).join('\t'))];
    const cut = r.truncated_by === 'rows' ? `, truncated at ${maxRows} rows` : r.truncated_by === 'bytes' ? `, truncated at ${settings.maxBytes} bytes` : '';
    lines.push(`(${r.row_count} row${r.row_count === 1 ? '' : 's'}${cut}; ${r.elapsed_ms} ms)`);
    return {
      structured: { ...r, max_rows: maxRows, max_bytes: settings.maxBytes, warehouse: warehouse.label },
      text: lines.join('\n'),
    };
  },
});

const tableRow = z.object({ schema: z.string(), name: z.string(), kind: z.string(), estimated_rows: z.union([z.number(), z.string()]).nullable() });
const KINDS: Readonly<Record<string, string>> = { r: 'table', p: 'table', v: 'view', m: 'materialized view', f: 'foreign table' };

export const warehouseListTables = defineTool({
  name: 'warehouse_list_tables',
  title: 'List the warehouse tables',
  description:
    "Lists the warehouse tables warehouse_query may read (the configured business tables visible in the gateway's search path), with the planner's row estimate (null when unknown) and what each one holds. Read-only; no row data.",
  input: {},
  output: {
    tables: z.array(z.object({ schema: z.string(), name: z.string(), kind: z.string(), estimated_rows: z.number().nullable(), meaning: z.string().nullable() })),
    warehouse: z.string(),
  },
  annotations: READ_ONLY,
  async run(ctx) {
    const warehouse = await ctx.warehouse();
    const rows = await ctx.query(
      `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.reltuples AS estimated_rows
       FROM pg_catalog.pg_class AS c
       INNER JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
         AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND pg_catalog.pg_table_is_visible(c.oid)
       ORDER BY c.relname`,
    );
    const access = accessOf(ctx.config.settings);
    const allowed = rows.filter((row) => access.allowsTable(String(row.name)));
    const tables = allowed.map((row) => {
      const t = tableRow.parse(row);
      const estimate = t.estimated_rows === null ? null : Number(t.estimated_rows);
      return {
        schema: t.schema,
        name: t.name,
        kind: KINDS[t.kind] ?? t.kind,
        estimated_rows: estimate === null || !Number.isFinite(estimate) || estimate < 0 ? null : Math.round(estimate),
        meaning: TABLE_MEANINGS[t.name] ?? null,
      };
    });
    const text = tables.length
      ? tables.map((t) => `${t.name} (${t.kind}, ~${t.estimated_rows ?? '?'} rows)${t.meaning ? ` — ${t.meaning}` : ''}`).join('\n')
      : `None of the tables warehouse_query may read (${access.tableNames.join(', ')}) is visible to the gateway in this warehouse.`;
    return { structured: { tables, warehouse: warehouse.label }, text };
  },
});

const columnRow = z.object({ schema: z.string(), table_name: z.string(), column_name: z.string(), type: z.string(), not_null: z.boolean() });

export const warehouseDescribeTable = defineTool({
  name: 'warehouse_describe_table',
  title: 'Describe one warehouse table',
  description:
    'Shows the columns of one table warehouse_query may read: name, SQL type, whether it can be null, and whether it holds personal data (such columns cannot be selected). Give the table name as listed by warehouse_list_tables (optionally schema.table). Read-only; no row data.',
  input: { table: z.string().min(1).max(200).describe('Table name, e.g. orders_goms or public.orders_goms') },
  output: {
    schema: z.string(),
    table: z.string(),
    meaning: z.string().nullable(),
    columns: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean(), pii: z.boolean() })),
  },
  annotations: READ_ONLY,
  async run(ctx, args) {
    const parts = args.table.trim().split('.');
    if (parts.length > 2 || parts.some((p) => !p)) throw new ToolError(`"${args.table}" is not a table name; use name or schema.name as listed by warehouse_list_tables.`);
    const [schema, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : [null, parts[0]!];
    const access = accessOf(ctx.config.settings);
    if (!access.allowsTable(name, schema)) {
      throw new ToolError(`"${args.table}" is not one of the tables warehouse_query may read (${access.tableNames.join(', ')}); warehouse_list_tables lists them.`);
    }
    const rows = await ctx.query(
      `SELECT n.nspname AS schema, c.relname AS table_name, a.attname AS column_name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
       FROM pg_catalog.pg_attribute AS a
       INNER JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
       INNER JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
       WHERE c.relname = $1
         AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
         AND a.attnum > 0 AND NOT a.attisdropped
         AND (CASE WHEN $2::text IS NULL THEN pg_catalog.pg_table_is_visible(c.oid) ELSE n.nspname = $2::text END)
       ORDER BY a.attnum`,
      [name, schema],
    );
    if (rows.length === 0) throw new ToolError(`No table named "${args.table}" is visible in the warehouse; warehouse_list_tables lists the tables.`);
    const parsed = rows.map((r) => columnRow.parse(r));
    const first = parsed[0]!;
    const table = first.table_name;
    // Two visible tables of one name (two schemas) would mix columns: take the first schema's only.
    const own = parsed.filter((c) => c.schema === first.schema);
    const pii = access.piiOf(table);
    const columns = own.map((c) => ({ name: c.column_name, type: c.type, nullable: !c.not_null, pii: pii.has(c.column_name) }));
    const meaning = TABLE_MEANINGS[table] ?? null;
    return {
      structured: { schema: first.schema, table, meaning, columns },
      text: [
        `${first.schema}.${table}${meaning ? ` — ${meaning}` : ''}`,
        ...columns.map((c) => `  ${c.name} ${c.type}${c.nullable ? '' : ' NOT NULL'}${c.pii ? ' (personal data)' : ''}`),
      ].join('\n'),
    };
  },
});
