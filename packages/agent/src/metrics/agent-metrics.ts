import { Counter, Gauge, Histogram, Pushgateway, Registry } from 'prom-client';
import type { Outcome } from '../log/schema.js';

/** What the metrics need of one execution. */
export interface ObservedExecution {
  readonly domain: string;
  readonly skill: string;
  readonly role: string;
  readonly model: string;
  readonly outcome: Outcome;
  readonly latencyMs: number;
  readonly costUsd: number;
  readonly usage: { readonly input: number; readonly output: number; readonly cacheWrite: number; readonly cacheRead: number };
}

export type PushResult = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly error: string } | { readonly ok: 'skipped'; readonly reason: string };

/**
 * The §15 metrics, in a registry of their own (so two runtimes in one process do not collide).
 * Batch runs push them to a Pushgateway; each push is a snapshot of this process's counters.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly executions = new Counter({ name: 'aspora_skill_executions_total', help: 'Skill executions by outcome', labelNames: ['skill_name', 'outcome'], registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'aspora_skill_latency_seconds',
    help: 'Skill execution latency, all model and tool calls included',
    labelNames: ['skill_name'],
    buckets: [0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60, 120],
    registers: [this.registry],
  });
  readonly cost = new Counter({ name: 'aspora_skill_cost_dollars', help: 'Model spend in US dollars', labelNames: ['skill_name', 'model'], registers: [this.registry] });
  readonly tokens = new Counter({ name: 'aspora_skill_tokens_total', help: 'Tokens by kind (input, output, cache_write, cache_read)', labelNames: ['skill_name', 'kind'], registers: [this.registry] });
  readonly routing = new Counter({ name: 'aspora_skill_routing_decisions', help: 'Routing decisions of a manager (to_skill "none" when it kept the work)', labelNames: ['from_skill', 'to_skill'], registers: [this.registry] });
  readonly domainExecutions = new Counter({ name: 'aspora_domain_executions_total', help: 'Skill executions per domain and role', labelNames: ['domain', 'role', 'outcome'], registers: [this.registry] });
  readonly domainCost = new Counter({ name: 'aspora_domain_cost_dollars', help: 'Model spend per domain in US dollars', labelNames: ['domain'], registers: [this.registry] });
  readonly domainRouting = new Counter({ name: 'aspora_domain_routing_decisions_total', help: 'Routing decisions per domain', labelNames: ['domain'], registers: [this.registry] });
  readonly domainSpendToday = new Gauge({ name: 'aspora_domain_spend_today_dollars', help: "Today's model spend per domain (budget time zone)", labelNames: ['domain'], registers: [this.registry] });
  readonly domainBudget = new Gauge({ name: 'aspora_domain_budget_dollars', help: 'Daily model budget per domain', labelNames: ['domain'], registers: [this.registry] });
  readonly domainLastRun = new Gauge({ name: 'aspora_domain_last_run_timestamp_seconds', help: 'When a phase of the domain last finished and pushed (Unix seconds)', labelNames: ['domain', 'phase'], registers: [this.registry] });
  readonly platformExecutions = new Counter({ name: 'aspora_platform_executions_total', help: 'Skill executions across domains', labelNames: ['outcome'], registers: [this.registry] });
  readonly platformCost = new Counter({ name: 'aspora_platform_cost_dollars', help: 'Model spend across domains in US dollars', registers: [this.registry] });

  observeExecution(e: ObservedExecution): void {
    this.executions.inc({ skill_name: e.skill, outcome: e.outcome });
    this.latency.observe({ skill_name: e.skill }, e.latencyMs / 1000);
    this.cost.inc({ skill_name: e.skill, model: e.model }, e.costUsd);
    for (const [kind, n] of [['input', e.usage.input], ['output', e.usage.output], ['cache_write', e.usage.cacheWrite], ['cache_read', e.usage.cacheRead]] as const) {
      this.tokens.inc({ skill_name: e.skill, kind }, n);
    }
    this.domainExecutions.inc({ domain: e.domain, role: e.role, outcome: e.outcome });
    this.domainCost.inc({ domain: e.domain }, e.costUsd);
    this.platformExecutions.inc({ outcome: e.outcome });
    this.platformCost.inc(e.costUsd);
  }

  observeRouting(domain: string, fromSkill: string, toSkill: string | null): void {
    this.routing.inc({ from_skill: fromSkill, to_skill: toSkill ?? 'none' });
    this.domainRouting.inc({ domain });
  }

  setDailySpend(domain: string, spentUsd: number, budgetUsd: number): void {
    this.domainSpendToday.set({ domain }, spentUsd);
    this.domainBudget.set({ domain }, budgetUsd);
  }

  /**
   * Pushes a snapshot to a Pushgateway, grouped by job and phase, and stamps the phase's last-run
   * time. A failed push is returned, never thrown: monitoring must not fail the run.
   */
  async push(url: string, group: { job: string; phase: string; domain: string }, at: Date = new Date(), timeoutMs = 5000): Promise<PushResult> {
    this.domainLastRun.set({ domain: group.domain, phase: group.phase }, Math.floor(at.getTime() / 1000));
    try {
      await new Pushgateway(url, { timeout: timeoutMs }, this.registry).pushAdd({ jobName: group.job, groupings: { phase: group.phase } });
      return { ok: true, url };
    } catch (err) {
      return { ok: false, error: `metrics push to ${url} failed: ${err instanceof Error ? err.message : String(err)}` };
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
