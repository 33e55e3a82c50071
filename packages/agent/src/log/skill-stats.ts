import { z } from 'zod';
import { queryRows, sqlNumber, type SqlQueryable } from '../db/sql.js';
import { SUCCESS_OUTCOMES } from './schema.js';

export interface SkillStatsRow {
  readonly domain: string;
  readonly skill: string;
  readonly role: string;
  readonly executions: number;
  /** Share of executions with usable output (success, verifier_dropped). */
  readonly successRate: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly p50LatencyMs: number;
  readonly p95LatencyMs: number;
  readonly costUsd: number;
  readonly mostUsedTool: { readonly name: string; readonly calls: number } | null;
}

export interface RoleStats {
  readonly executions: number;
  readonly successRate: number;
  readonly costUsd: number;
}

export interface DomainStats {
  readonly domain: string;
  readonly executions: number;
  readonly costUsd: number;
  readonly byRole: Readonly<Record<string, RoleStats>>;
  /** Executions handed over by a manager, by hand-off. */
  readonly routing: readonly { readonly from: string; readonly to: string; readonly count: number }[];
}

export interface SkillStats {
  readonly since: Date;
  readonly platform: {
    readonly executions: number;
    readonly successRate: number;
    readonly costUsd: number;
    readonly tokens: { readonly input: number; readonly output: number; readonly cacheWrite: number; readonly cacheRead: number };
  };
  readonly domains: readonly DomainStats[];
  readonly skills: readonly SkillStatsRow[];
}

const success = SUCCESS_OUTCOMES.map((o) => `'${o}'`).join(', ');
const n = sqlNumber;

const platformRow = z.object({ executions: n, successes: n, cost: n, input: n, output: n, cache_write: n, cache_read: n });
const skillRow = z.object({
  domain: z.string(),
  skill: z.string(),
  role: z.string(),
  executions: n,
  successes: n,
  p50: n,
  p95: n,
  cost: n,
});
const outcomeRow = z.object({ domain: z.string(), skill: z.string(), outcome: z.string(), count: n });
const toolRow = z.object({ domain: z.string(), skill: z.string(), tool: z.string(), calls: n });
const roleRow = z.object({ domain: z.string(), role: z.string(), executions: n, successes: n, cost: n });
const routingRow = z.object({ domain: z.string(), from: z.string(), to: z.string(), count: n });

async function platformTotals(db: SqlQueryable, at: string) {
  const rows = await queryRows(
    db,
    `SELECT count(*)::int AS executions, (count(*) FILTER (WHERE outcome IN (${success})))::int AS successes,
       coalesce(sum(cost_usd), 0)::float8 AS cost, coalesce(sum(input_tokens), 0)::float8 AS input,
       coalesce(sum(output_tokens), 0)::float8 AS output, coalesce(sum(cache_write_tokens), 0)::float8 AS cache_write,
       coalesce(sum(cache_read_tokens), 0)::float8 AS cache_read
     FROM skill_executions WHERE created_at >= $1`,
    [at],
  );
  return platformRow.parse(rows[0]);
}

async function perSkill(db: SqlQueryable, at: string) {
  const rows = await queryRows(
    db,
    `SELECT domain, skill, min(role) AS role, count(*)::int AS executions,
       (count(*) FILTER (WHERE outcome IN (${success})))::int AS successes,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::float8 AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)::float8 AS p95,
       coalesce(sum(cost_usd), 0)::float8 AS cost
     FROM skill_executions WHERE created_at >= $1 GROUP BY domain, skill ORDER BY domain, skill`,
    [at],
  );
  return z.array(skillRow).parse(rows);
}

async function perOutcome(db: SqlQueryable, at: string) {
  return z
    .array(outcomeRow)
    .parse(
      await queryRows(
        db,
        `SELECT domain, skill, outcome, count(*)::int AS count FROM skill_executions WHERE created_at >= $1 GROUP BY 1, 2, 3`,
        [at],
      ),
    );
}

async function perTool(db: SqlQueryable, at: string) {
  const rows = await queryRows(
    db,
    `SELECT e.domain, e.skill, t.value->>'name' AS tool, count(*)::int AS calls
     FROM skill_executions e CROSS JOIN LATERAL jsonb_array_elements(e.tool_calls) AS t(value)
     WHERE e.created_at >= $1 GROUP BY 1, 2, 3 ORDER BY calls DESC, tool`,
    [at],
  );
  return z.array(toolRow).parse(rows);
}

async function perRole(db: SqlQueryable, at: string) {
  const rows = await queryRows(
    db,
    `SELECT domain, role, count(*)::int AS executions, (count(*) FILTER (WHERE outcome IN (${success})))::int AS successes,
       coalesce(sum(cost_usd), 0)::float8 AS cost
     FROM skill_executions WHERE created_at >= $1 GROUP BY domain, role ORDER BY domain, role`,
    [at],
  );
  return z.array(roleRow).parse(rows);
}

async function perHandOff(db: SqlQueryable, at: string) {
  const rows = await queryRows(
    db,
    `SELECT domain, routed_from AS "from", routed_to AS "to", count(*)::int AS count
     FROM skill_executions WHERE created_at >= $1 AND routed_to IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [at],
  );
  return z.array(routingRow).parse(rows);
}

const key = (domain: string, skill: string) => `${domain}\u0000${skill}`;
const rate = (s: number, e: number) => (e ? s / e : 0);

/** Per domain: executions and cost by role, and the manager's hand-offs. */
function domainStats(roleRows: readonly z.infer<typeof roleRow>[], routingRows: readonly z.infer<typeof routingRow>[]): DomainStats[] {
  const domains = new Map<
    string,
    { executions: number; costUsd: number; byRole: Record<string, RoleStats>; routing: DomainStats['routing'][number][] }
  >();
  const domainOf = (d: string) => domains.get(d) ?? domains.set(d, { executions: 0, costUsd: 0, byRole: {}, routing: [] }).get(d)!;
  for (const r of roleRows) {
    const d = domainOf(r.domain);
    d.executions += r.executions;
    d.costUsd += r.cost;
    d.byRole[r.role] = { executions: r.executions, successRate: rate(r.successes, r.executions), costUsd: r.cost };
  }
  for (const r of routingRows) domainOf(r.domain).routing.push({ from: r.from, to: r.to, count: r.count });
  return [...domains].map(([domain, d]) => ({ domain, ...d }));
}

/** Per skill: its numbers, its outcomes and its most used tool (the rows come most-called first). */
function skillStatsRows(
  skillRows: readonly z.infer<typeof skillRow>[],
  outcomeRows: readonly z.infer<typeof outcomeRow>[],
  toolRows: readonly z.infer<typeof toolRow>[],
): SkillStatsRow[] {
  const topTool = new Map<string, { name: string; calls: number }>();
  for (const r of toolRows) if (!topTool.has(key(r.domain, r.skill))) topTool.set(key(r.domain, r.skill), { name: r.tool, calls: r.calls });
  const outcomes = new Map<string, Record<string, number>>();
  for (const r of outcomeRows)
    (outcomes.get(key(r.domain, r.skill)) ?? outcomes.set(key(r.domain, r.skill), {}).get(key(r.domain, r.skill))!)[r.outcome] = r.count;
  return skillRows.map((r) => ({
    domain: r.domain,
    skill: r.skill,
    role: r.role,
    executions: r.executions,
    successRate: rate(r.successes, r.executions),
    outcomes: outcomes.get(key(r.domain, r.skill)) ?? {},
    p50LatencyMs: Math.round(r.p50),
    p95LatencyMs: Math.round(r.p95),
    costUsd: r.cost,
    mostUsedTool: topTool.get(key(r.domain, r.skill)) ?? null,
  }));
}

/** The §15 `stats` views (platform, domain, skill) over the execution log since `since`. */
export async function skillStats(db: SqlQueryable, since: Date): Promise<SkillStats> {
  const at = since.toISOString();
  const platform = await platformTotals(db, at);
  const skillRows = await perSkill(db, at);
  const outcomeRows = await perOutcome(db, at);
  const toolRows = await perTool(db, at);
  const roleRows = await perRole(db, at);
  const routingRows = await perHandOff(db, at);
  return {
    since,
    platform: {
      executions: platform.executions,
      successRate: rate(platform.successes, platform.executions),
      costUsd: platform.cost,
      tokens: { input: platform.input, output: platform.output, cacheWrite: platform.cache_write, cacheRead: platform.cache_read },
    },
    domains: domainStats(roleRows, routingRows),
    skills: skillStatsRows(skillRows, outcomeRows, toolRows),
  };
}
