import { z } from 'zod';
import { TABLE_MEANINGS } from '../warehouse/warehouse-catalog.js';
import { defineTool } from './define-tool.js';
import { READ_ONLY } from './tool-inputs.js';
import { accessOf } from './warehouse-access-of.js';

const tableRow = z.object({
  schema: z.string(),
  name: z.string(),
  kind: z.string(),
  estimated_rows: z.union([z.number(), z.string()]).nullable(),
});
const KINDS: Readonly<Record<string, string>> = { r: 'table', p: 'table', v: 'view', m: 'materialized view', f: 'foreign table' };

export const warehouseListTables = defineTool({
  name: 'warehouse_list_tables',
  title: 'List the warehouse tables',
  description:
    "Lists the warehouse tables warehouse_query may read (the configured business tables visible in the gateway's search path), with the planner's row estimate (null when unknown) and what each one holds. Read-only; no row data.",
  input: {},
  output: {
    tables: z.array(
      z.object({
        schema: z.string(),
        name: z.string(),
        kind: z.string(),
        estimated_rows: z.number().nullable(),
        meaning: z.string().nullable(),
      }),
    ),
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
