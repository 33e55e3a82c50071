import { z } from 'zod';
import { TABLE_MEANINGS } from '../warehouse/warehouse-catalog.js';
import { defineTool } from './define-tool.js';
import { READ_ONLY } from './tool-inputs.js';
import { ToolError } from './tool-error.js';
import { accessOf } from './warehouse-access-of.js';

const columnRow = z.object({
  schema: z.string(),
  table_name: z.string(),
  column_name: z.string(),
  type: z.string(),
  not_null: z.boolean(),
});

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
    if (parts.length > 2 || parts.some((p) => !p))
      throw new ToolError(`"${args.table}" is not a table name; use name or schema.name as listed by warehouse_list_tables.`);
    const [schema, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : [null, parts[0]!];
    const access = accessOf(ctx.config.settings);
    if (!access.allowsTable(name, schema)) {
      throw new ToolError(
        `"${args.table}" is not one of the tables warehouse_query may read (${access.tableNames.join(', ')}); warehouse_list_tables lists them.`,
      );
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
    if (rows.length === 0)
      throw new ToolError(`No table named "${args.table}" is visible in the warehouse; warehouse_list_tables lists the tables.`);
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
