import { z } from 'zod';
import { runReadOnlyQuery, type JsonValue } from '../sql/run-read-only-query.js';
import { FUNCTION_LIST } from '../sql/allowed-sql.js';
import { defineTool } from './define-tool.js';
import { READ_ONLY } from './tool-inputs.js';
import { ToolError } from './tool-error.js';
import { accessOf } from './warehouse-access-of.js';

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
    const cut =
      r.truncated_by === 'rows'
        ? `, truncated at ${maxRows} rows`
        : r.truncated_by === 'bytes'
          ? `, truncated at ${settings.maxBytes} bytes`
          : '';
    lines.push(`(${r.row_count} row${r.row_count === 1 ? '' : 's'}${cut}; ${r.elapsed_ms} ms)`);
    return {
      structured: { ...r, max_rows: maxRows, max_bytes: settings.maxBytes, warehouse: warehouse.label },
      text: lines.join('\n'),
    };
  },
});
