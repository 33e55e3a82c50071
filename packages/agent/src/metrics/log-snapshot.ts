import { z } from 'zod';
import { startOfDay } from '../budget/day-window.js';
import { queryRows, sqlNumber, type SqlQueryable } from '../db/sql.js';
import { SUCCESS_OUTCOMES } from '../log/schema.js';

/** Latency bucket bounds in seconds (the design's alert fires at a p95 above 30 s). */
export const LATENCY_BUCKETS = [0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60, 120] as const;

/** One group of the log: a skill's executions with one model and one outcome. */
export interface LogGroup {
  readonly domain: string;
  readonly skill: string;
  readonly role: string;
  readonly model: string;
  readonly outcome: string;
  /** Every execution ever logged (what the `_total` counters count). */
  readonly executions: number;
  readonly corrections: number;
  readonly tokens: { readonly input: number; readonly output: number; readonly cacheWrite: number; readonly cacheRead: number };
  readonly today: { readonly executions: number; readonly costUsd: number };
  /** The satisfaction window (30 days). */
  readonly recent: { readonly executions: number; readonly corrections: number };
}

export interface LatencyGroup {
  readonly domain: string;
  readonly skill: string;
  readonly role: string;
  /** Executions at or below each bound of LATENCY_BUCKETS. */
  readonly cumulative: readonly number[];
  readonly sumSeconds: number;
  readonly count: number;
}

export interface LogSnapshot {
  readonly groups: readonly LogGroup[];
  readonly latency: readonly LatencyGroup[];
  readonly routing: readonly { readonly domain: string; readonly from: string; readonly to: string; readonly count: number }[];
  readonly successOutcomes: readonly string[];
}

const SATISFACTION_DAYS = 30;
const n = sqlNumber;

/** A row of the grouped log query, before it is shaped into a LogGroup. */
const LogGroupRow = z.object({
  domain: z.string(),
  skill: z.string(),
  role: z.string(),
  model: z.string(),
  outcome: z.string(),
  executions: n,
  corrections: n,
  input: n,
  output: n,
  cache_write: n,
  cache_read: n,
  today_executions: n,
  today_cost: n,
  recent_executions: n,
  recent_corrections: n,
});

const RoutingRow = z.object({ domain: z.string(), from: z.string(), to: z.string(), count: n });

/**
 * What the metrics say, read from the execution log: counts since the log began (so counters only
 * grow, whichever process pushes them), today's spend in the budget's time zone, and satisfaction over
 * the last 30 days.
 */
export async function readLogSnapshot(db: SqlQueryable, at: { readonly now: Date; readonly timeZone: string }): Promise<LogSnapshot> {
  // One query at a time: a single client (PGlite, one pg connection) would queue them anyway.
  const groups = await readLogGroups(db, at);
  const latency = await readLatencyGroups(db);
  const routing = await readRoutingCounts(db);
  return { groups, latency, routing, successOutcomes: SUCCESS_OUTCOMES };
}

/**
 * One row per domain, skill, role, model and outcome. All-time counts, today's and the satisfaction
 * window's come from one scan, filtered by the two window starts.
 */
async function readLogGroups(db: SqlQueryable, at: { readonly now: Date; readonly timeZone: string }): Promise<LogGroup[]> {
  const today = startOfDay(at.now, at.timeZone).toISOString();
  const recent = new Date(at.now.getTime() - SATISFACTION_DAYS * 86_400_000).toISOString();
  const rows = z.array(LogGroupRow).parse(
    await queryRows(
      db,
      `SELECT domain, skill, role, model, outcome, count(*)::int AS executions, count(user_correction)::int AS corrections,
           coalesce(sum(input_tokens), 0)::float8 AS input, coalesce(sum(output_tokens), 0)::float8 AS output,
           coalesce(sum(cache_write_tokens), 0)::float8 AS cache_write, coalesce(sum(cache_read_tokens), 0)::float8 AS cache_read,
           (count(*) FILTER (WHERE created_at >= $1))::int AS today_executions,
           coalesce(sum(cost_usd) FILTER (WHERE created_at >= $1), 0)::float8 AS today_cost,
           (count(*) FILTER (WHERE created_at >= $2))::int AS recent_executions,
           (count(user_correction) FILTER (WHERE created_at >= $2))::int AS recent_corrections
         FROM skill_executions GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
      [today, recent],
    ),
  );
  return rows.map(toLogGroup);
}

function toLogGroup(g: z.infer<typeof LogGroupRow>): LogGroup {
  return {
    domain: g.domain,
    skill: g.skill,
    role: g.role,
    model: g.model,
    outcome: g.outcome,
    executions: g.executions,
    corrections: g.corrections,
    tokens: { input: g.input, output: g.output, cacheWrite: g.cache_write, cacheRead: g.cache_read },
    today: { executions: g.today_executions, costUsd: g.today_cost },
    recent: { executions: g.recent_executions, corrections: g.recent_corrections },
  };
}

/** Latency histograms per skill; each bucket is cumulative, as Prometheus histograms expect. */
async function readLatencyGroups(db: SqlQueryable): Promise<LatencyGroup[]> {
  const bucketColumns = LATENCY_BUCKETS.map((le, i) => `(count(*) FILTER (WHERE latency_ms <= ${le * 1000}))::int AS b${i}`).join(', ');
  const latencyRows = await queryRows(
    db,
    `SELECT domain, skill, role, ${bucketColumns}, coalesce(sum(latency_ms), 0)::float8 / 1000 AS sum_seconds, count(*)::int AS count
     FROM skill_executions GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  return latencyRows.map((r) => {
    const base = z.object({ domain: z.string(), skill: z.string(), role: z.string(), sum_seconds: n, count: n }).parse(r);
    return {
      domain: base.domain,
      skill: base.skill,
      role: base.role,
      sumSeconds: base.sum_seconds,
      count: base.count,
      cumulative: LATENCY_BUCKETS.map((_, i) => n.parse(r[`b${i}`])),
    };
  });
}

/** How often the router moved a request from one skill to another. */
async function readRoutingCounts(db: SqlQueryable): Promise<LogSnapshot['routing']> {
  return z.array(RoutingRow).parse(
    await queryRows(
      db,
      `SELECT domain, routed_from AS "from", routed_to AS "to", count(*)::int AS count FROM skill_executions
         WHERE routed_from IS NOT NULL AND routed_to IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ),
  );
}
