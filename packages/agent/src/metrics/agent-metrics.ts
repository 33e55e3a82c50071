import { Counter, Gauge, Pushgateway, Registry } from 'prom-client';
import type { SqlQueryable } from '../db/sql.js';
import { LogHistogram } from './log-histogram.js';
import { LATENCY_BUCKETS, readLogSnapshot, type LogSnapshot } from './log-snapshot.js';
import { errorText } from '@ecm/core/text';

export type PushResult =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: 'skipped'; readonly reason: string };

/**
 * The Pushgateway job of the log's metrics: one group shared by every process that pushes them (the
 * manager's phases, the field CLI), apart from any job's own run metrics.
 */
export const LOG_JOB = 'aspora-execution-log';

type Labels<L extends string> = Record<L, string>;

/** Adds `value` under `labels` in a map keyed by the label values (several log groups fold into one series). */
function fold<L extends string>(into: Map<string, { labels: Labels<L>; value: number }>, labels: Labels<L>, value: number): void {
  const key = JSON.stringify(labels);
  const seen = into.get(key);
  if (seen) seen.value += value;
  else into.set(key, { labels, value });
}

/**
 * The design's metrics at its three levels (platform, domain, skill), with its names and labels.
 * Every value is read from the execution log (`refreshFromLog`), never counted in memory: a batch
 * run pushes the log's totals, and the gateway serves the same numbers on /metrics, so no two
 * processes double-count and counters only grow. Names without `_total` are gauges of today's
 * spend (budget time zone) or of a rate.
 */
export class AgentMetrics {
  /** The log's metrics: pushed under {job: LOG_JOB}, replacing the previous push. */
  readonly registry = new Registry();
  /** Per-run values (when a phase last finished): pushed under {job, phase}. */
  readonly runRegistry = new Registry();
  private readonly reg = [this.registry];

  // Platform (leadership)
  readonly executions = new Counter({
    name: 'aspora_executions_total',
    help: 'Skill executions by domain and outcome, since the log began',
    labelNames: ['domain', 'outcome'],
    registers: this.reg,
  });
  readonly cost = new Gauge({
    name: 'aspora_cost_total_dollars',
    help: "Today's model spend per domain in US dollars (budget time zone)",
    labelNames: ['domain'],
    registers: this.reg,
  });
  readonly successRate = new Gauge({
    name: 'aspora_success_rate',
    help: "Share of today's executions with usable output (success, verifier_dropped)",
    labelNames: ['domain'],
    registers: this.reg,
  });
  readonly corrections = new Counter({
    name: 'aspora_feedback_corrections_total',
    help: 'Executions a person corrected, since the log began',
    labelNames: ['domain'],
    registers: this.reg,
  });
  // Domain (domain owner)
  readonly domainExecutions = new Counter({
    name: 'aspora_domain_executions_total',
    help: 'Skill executions per domain and skill role (manager, specialist, field)',
    labelNames: ['domain', 'skill_role'],
    registers: this.reg,
  });
  readonly domainLatency = new LogHistogram(
    'aspora_domain_latency_seconds',
    'Skill execution latency per domain and skill role',
    ['domain', 'skill_role'],
    LATENCY_BUCKETS,
  );
  readonly domainCost = new Gauge({
    name: 'aspora_domain_cost_dollars',
    help: "Today's model spend per domain, skill role and model in US dollars",
    labelNames: ['domain', 'skill_role', 'model'],
    registers: this.reg,
  });
  readonly domainRouting = new Counter({
    name: 'aspora_domain_routing_decisions_total',
    help: 'Clusters a manager handed to a specialist, per domain',
    labelNames: ['domain'],
    registers: this.reg,
  });
  readonly domainSpendToday = new Gauge({
    name: 'aspora_domain_spend_today_dollars',
    help: "Today's model spend per domain (budget time zone)",
    labelNames: ['domain'],
    registers: this.reg,
  });
  readonly domainBudget = new Gauge({
    name: 'aspora_domain_budget_dollars',
    help: 'Daily model budget per domain',
    labelNames: ['domain'],
    registers: this.reg,
  });
  // Skill (engineers)
  readonly skillExecutions = new Counter({
    name: 'aspora_skill_executions_total',
    help: 'Skill executions by outcome, since the log began',
    labelNames: ['skill_name', 'skill_role', 'outcome'],
    registers: this.reg,
  });
  readonly skillLatency = new LogHistogram(
    'aspora_skill_latency_seconds',
    'Skill execution latency, all model and tool calls included',
    ['skill_name'],
    LATENCY_BUCKETS,
  );
  readonly skillCost = new Gauge({
    name: 'aspora_skill_cost_dollars',
    help: "Today's model spend per skill and model in US dollars",
    labelNames: ['skill_name', 'model'],
    registers: this.reg,
  });
  readonly satisfaction = new Gauge({
    name: 'aspora_skill_user_satisfaction',
    help: 'Share of the last 30 days of executions nobody corrected',
    labelNames: ['skill_name'],
    registers: this.reg,
  });
  readonly routing = new Counter({
    name: 'aspora_skill_routing_decisions_total',
    help: 'Hand-offs from a manager skill to a specialist skill, since the log began',
    labelNames: ['from_skill', 'to_skill'],
    registers: this.reg,
  });
  readonly tokens = new Counter({
    name: 'aspora_skill_tokens_total',
    help: 'Tokens by kind (input, output, cache_write, cache_read)',
    labelNames: ['skill_name', 'kind'],
    registers: this.reg,
  });
  // Per run
  readonly domainLastRun = new Gauge({
    name: 'aspora_domain_last_run_timestamp_seconds',
    help: 'When a phase of the domain last finished and pushed (Unix seconds)',
    labelNames: ['domain', 'phase'],
    registers: [this.runRegistry],
  });

  constructor() {
    this.registry.registerMetric(this.domainLatency as never);
    this.registry.registerMetric(this.skillLatency as never);
  }

  /** Sets every metric from the log; `budgets` gives each domain's daily budget. */
  async refreshFromLog(
    db: SqlQueryable,
    at: { readonly now: Date; readonly timeZone: string; readonly budgets: Readonly<Record<string, number>> },
  ): Promise<void> {
    this.apply(await readLogSnapshot(db, at), at.budgets);
  }

  apply(s: LogSnapshot, budgets: Readonly<Record<string, number>> = {}): void {
    this.registry.resetMetrics();
    this.domainLatency.reset();
    this.skillLatency.reset();
    const { series, today, recent } = foldGroups(s);
    const inc = <L extends string>(c: Counter<L>, m: Map<string, { labels: Labels<L>; value: number }>) =>
      m.forEach(({ labels, value }) => {
        c.inc(labels as never, value);
      });
    const set = <L extends string>(g: Gauge<L>, m: Map<string, { labels: Labels<L>; value: number }>) =>
      m.forEach(({ labels, value }) => {
        g.set(labels as never, value);
      });
    inc(this.executions, series.executions);
    set(this.cost, series.cost);
    set(this.domainSpendToday, series.cost);
    inc(this.corrections, series.corrections);
    inc(this.domainExecutions, series.domainExecutions);
    set(this.domainCost, series.domainCost);
    inc(this.skillExecutions, series.skillExecutions);
    set(this.skillCost, series.skillCost);
    inc(this.tokens, series.tokens);
    // A rate of nothing is no rate: domains and skills without executions in the window have no series.
    for (const [domain, t] of today) if (t.all) this.successRate.set({ domain }, t.ok / t.all);
    for (const [skill, r] of recent) if (r.all) this.satisfaction.set({ skill_name: skill }, 1 - r.corrected / r.all);
    for (const [domain, usd] of Object.entries(budgets)) this.domainBudget.set({ domain }, usd);
    this.applyLatency(s);
    for (const r of s.routing) {
      this.routing.inc({ from_skill: r.from, to_skill: r.to }, r.count);
      this.domainRouting.inc({ domain: r.domain }, r.count);
    }
  }

  private applyLatency(s: LogSnapshot): void {
    const { byRole, bySkill } = latencyByRoleAndSkill(s);
    for (const r of byRole.values()) this.domainLatency.set(r.labels, r.cumulative, r.sum, r.count);
    for (const [skill, r] of bySkill) this.skillLatency.set({ skill_name: skill }, r.cumulative, r.sum, r.count);
  }

  /**
   * Pushes the log's metrics under {job: LOG_JOB} (a PUT replacing the previous push, so the series
   * are the log's totals, not a sum over runs) and the phase's last-run time under {job, phase}. A failed
   * push is returned, never thrown: monitoring must not fail the run.
   */
  async push(
    url: string,
    group: { job: string; phase: string; domain: string },
    at: Date = new Date(),
    timeoutMs = 5000,
  ): Promise<PushResult> {
    // The run's group holds this phase's series only (the Pushgateway rejects a phase label that differs from the group's).
    this.runRegistry.resetMetrics();
    this.domainLastRun.set({ domain: group.domain, phase: group.phase }, Math.floor(at.getTime() / 1000));
    try {
      await new Pushgateway(url, { timeout: timeoutMs }, this.registry).push({ jobName: LOG_JOB });
      await new Pushgateway(url, { timeout: timeoutMs }, this.runRegistry).pushAdd({
        jobName: group.job,
        groupings: { phase: group.phase },
      });
      return { ok: true, url };
    } catch (err) {
      return { ok: false, error: `metrics push to ${url} failed: ${errorText(err)}` };
    }
  }
}

/** Pushes when PUSHGATEWAY_URL is set; otherwise says it skipped. */
export async function pushMetrics(
  metrics: AgentMetrics,
  group: { job: string; phase: string; domain: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<PushResult> {
  const url = env.PUSHGATEWAY_URL?.trim();
  if (!url) return { ok: 'skipped', reason: 'PUSHGATEWAY_URL not set' };
  return metrics.push(url, group);
}

/** The log's groups folded into one series per metric, and the success and correction counts behind the rates. */
function foldGroups(s: LogSnapshot) {
  const series = {
    executions: new Map(),
    cost: new Map(),
    corrections: new Map(),
    domainExecutions: new Map(),
    domainCost: new Map(),
    skillExecutions: new Map(),
    skillCost: new Map(),
    tokens: new Map(),
  } as const;
  const today = new Map<string, { all: number; ok: number }>();
  const recent = new Map<string, { all: number; corrected: number }>();
  for (const g of s.groups) {
    fold(series.executions, { domain: g.domain, outcome: g.outcome }, g.executions);
    fold(series.cost, { domain: g.domain }, g.today.costUsd);
    fold(series.corrections, { domain: g.domain }, g.corrections);
    fold(series.domainExecutions, { domain: g.domain, skill_role: g.role }, g.executions);
    fold(series.domainCost, { domain: g.domain, skill_role: g.role, model: g.model }, g.today.costUsd);
    fold(series.skillExecutions, { skill_name: g.skill, skill_role: g.role, outcome: g.outcome }, g.executions);
    fold(series.skillCost, { skill_name: g.skill, model: g.model }, g.today.costUsd);
    for (const [kind, v] of [
      ['input', g.tokens.input],
      ['output', g.tokens.output],
      ['cache_write', g.tokens.cacheWrite],
      ['cache_read', g.tokens.cacheRead],
    ] as const) {
      fold(series.tokens, { skill_name: g.skill, kind }, v);
    }
    const t = today.get(g.domain) ?? { all: 0, ok: 0 };
    t.all += g.today.executions;
    if (s.successOutcomes.includes(g.outcome)) t.ok += g.today.executions;
    today.set(g.domain, t);
    const r = recent.get(g.skill) ?? { all: 0, corrected: 0 };
    r.all += g.recent.executions;
    r.corrected += g.recent.corrections;
    recent.set(g.skill, r);
  }
  return { series, today, recent };
}

/** Latency histograms summed per domain and role, and per skill (bucket by bucket). */
function latencyByRoleAndSkill(s: LogSnapshot) {
  const byRole = new Map<string, { labels: { domain: string; skill_role: string }; cumulative: number[]; sum: number; count: number }>();
  const bySkill = new Map<string, { cumulative: number[]; sum: number; count: number }>();
  for (const l of s.latency) {
    const key = `${l.domain}\u0000${l.role}`;
    const role = byRole.get(key) ?? {
      labels: { domain: l.domain, skill_role: l.role },
      cumulative: l.cumulative.map(() => 0),
      sum: 0,
      count: 0,
    };
    const skill = bySkill.get(l.skill) ?? { cumulative: l.cumulative.map(() => 0), sum: 0, count: 0 };
    for (const agg of [role, skill]) {
      l.cumulative.forEach((c, i) => {
        agg.cumulative[i]! += c;
      });
      agg.sum += l.sumSeconds;
      agg.count += l.count;
    }
    byRole.set(key, role);
    bySkill.set(l.skill, skill);
  }
  return { byRole, bySkill };
}
