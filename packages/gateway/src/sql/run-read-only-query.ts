import type { WarehouseAccess } from '../warehouse/warehouse-access.js';
import { checkReadOnlySql, checkWrapper } from './read-only-guard.js';
import { type ExtendedQuery, QueryTimeoutError, formatSeconds, type ReadOnlySession } from './read-only-session.js';
import { errorText } from '@ecm/core/text';

export interface QueryLimits {
  readonly maxRows: number;
  /** Cap on the JSON size of the returned rows. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Refuse statements whose planner estimate exceeds this (null: no cost check). */
  readonly maxPlanCost: number | null;
  /** The tables and columns the statement may read. */
  readonly access: WarehouseAccess;
}

/**
 * Rows fetched from the cursor per round trip: small, so that however large one row is, the gateway
 * holds at most this many of them before the byte cap stops reading.
 */
export const FETCH_ROWS = 10;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface QueryRows {
  readonly columns: string[];
  readonly rows: JsonValue[][];
  readonly row_count: number;
  readonly truncated: boolean;
  /** What cut the result short, when it was. */
  readonly truncated_by: 'rows' | 'bytes' | null;
  readonly elapsed_ms: number;
}

export type QueryOutcome =
  | { readonly ok: true; readonly result: QueryRows }
  | { readonly ok: false; readonly refused: boolean; readonly message: string };

/** A value as JSON: bytes as \x-hex, dates as ISO text, bigints as text; nested JSON as is. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v);
    return out;
  }
  return String(value);
}

/**
 * The highest total cost of any node in a text-format EXPLAIN (PostgreSQL and Redshift). Not the
 * top node's: a LIMIT above a node that materialises everything (a set-returning function, a sort)
 * makes the top look cheap while the node below still does all its work.
 */
export function planCost(lines: readonly unknown[]): number | null {
  let max: number | null = null;
  for (const line of lines) {
    for (const match of String(line).matchAll(/cost=[\d.]+\.\.([\d.]+)/g)) max = Math.max(max ?? 0, Number(match[1]));
  }
  return max;
}

const elapsedSince = (start: bigint) => Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;

/**
 * Runs one caller-supplied statement with every layer: the parser check, a LIMIT wrapper (checked
 * again), an optional plan-cost cap, the read-only transaction with its time limit, then the row
 * and byte caps. Errors come back as one sentence; nothing here throws for a bad statement.
 */
export async function runReadOnlyQuery(session: ReadOnlySession, sql: string, limits: QueryLimits): Promise<QueryOutcome> {
  const guard = { access: limits.access, interruptible: session.interruptible };
  const verdict = await checkReadOnlySql(sql, guard);
  if (!verdict.ok) return { ok: false, refused: true, message: verdict.reason };

  // One row more than the cap tells us the result was cut. The newline keeps a trailing comment closed.
  const wrapped = `SELECT * FROM (\n${verdict.statement}\n) AS ecm_query LIMIT ${limits.maxRows + 1}`;
  const rewrapped = await checkWrapper(wrapped);
  if (!rewrapped.ok) return { ok: false, refused: true, message: rewrapped.reason };

  const start = process.hrtime.bigint();
  try {
    const raw = await session.readOnly(limits.timeoutMs, async (query) => {
      if (limits.maxPlanCost !== null) await refuseCostlyPlan(query, wrapped, limits.maxPlanCost);
      return readCapped(query, wrapped, limits);
    });
    return rowsOutcome(raw, start);
  } catch (err) {
    return failureOutcome(err, limits);
  }
}

/** Throws a Refusal when the planner gives no cost, or one above the warehouse's limit. */
async function refuseCostlyPlan(query: ExtendedQuery, wrapped: string, maxPlanCost: number): Promise<void> {
  const plan = await query(`EXPLAIN ${wrapped}`);
  const cost = planCost(plan.rows.map((row) => row[0]));
  if (cost === null) throw new Refusal('Refused: the planner gave no cost estimate for the statement, so it is not run.');
  if (cost > maxPlanCost) {
    throw new Refusal(
      `Refused: the planner estimates a cost of ${Math.round(cost).toLocaleString('en-US')}, above this warehouse's limit of ${maxPlanCost.toLocaleString('en-US')}; narrow the query (filter, aggregate or join on keys).`,
    );
  }
}

interface CappedRows {
  readonly columns: readonly string[];
  readonly rows: JsonValue[][];
  readonly truncatedBy: QueryRows['truncated_by'];
}

/**
 * Read through a cursor, a few rows at a time, counting bytes: the gateway never holds the
 * whole result, and stops reading as soon as either cap is reached.
 */
async function readCapped(query: ExtendedQuery, wrapped: string, limits: QueryLimits): Promise<CappedRows> {
  await query(`DECLARE ecm_result NO SCROLL CURSOR FOR ${wrapped}`);
  let bytes = 2;
  let truncatedBy: QueryRows['truncated_by'] = null;
  let columns: readonly string[] = [];
  const rows: JsonValue[][] = [];
  for (;;) {
    const batch = await query(`FETCH FORWARD ${FETCH_ROWS} FROM ecm_result`);
    if (columns.length === 0) columns = batch.columns;
    for (const row of batch.rows) {
      if (rows.length >= limits.maxRows) {
        truncatedBy = 'rows';
        break;
      }
      const json = row.map(toJsonValue);
      const size = Buffer.byteLength(JSON.stringify(json)) + 1;
      if (bytes + size > limits.maxBytes) {
        truncatedBy = 'bytes';
        break;
      }
      bytes += size;
      rows.push(json);
    }
    if (truncatedBy || batch.rows.length < FETCH_ROWS) break;
  }
  return { columns, rows, truncatedBy };
}

function rowsOutcome(raw: CappedRows, start: bigint): QueryOutcome {
  const { rows, truncatedBy } = raw;
  return {
    ok: true,
    result: {
      columns: [...raw.columns],
      rows,
      row_count: rows.length,
      truncated: truncatedBy !== null,
      truncated_by: truncatedBy,
      elapsed_ms: elapsedSince(start),
    },
  };
}

/** A failed run as one sentence: refusals by a layer, or the warehouse's own error. */
function failureOutcome(err: unknown, limits: QueryLimits): QueryOutcome {
  if (err instanceof Refusal) return { ok: false, refused: true, message: err.message };
  if (err instanceof QueryTimeoutError)
    return {
      ok: false,
      refused: true,
      message: `Refused: the query ran longer than ${formatSeconds(limits.timeoutMs)} and was cancelled.`,
    };
  const message = errorText(err);
  if ((err as { code?: unknown }).code === READ_ONLY_SQL_TRANSACTION) {
    return { ok: false, refused: true, message: `Refused: the read-only transaction blocked a write (${message}).` };
  }
  return { ok: false, refused: false, message: `The warehouse rejected the query: ${message}.` };
}

class Refusal extends Error {}

/** SQLSTATE 25006: a write attempted inside a READ ONLY transaction. */
const READ_ONLY_SQL_TRANSACTION = '25006';
