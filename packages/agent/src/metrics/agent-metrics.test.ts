import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDb, type TestDatabase } from '../__fixtures__/databases.js';
import { anExecution } from '../__fixtures__/executions.js';
import { NO_USAGE } from '../budget/pricing.js';
import { recordExecution, recordUserCorrection, type ExecutionRecord } from '../log/execution-log.js';
import { ensureAgentSchema } from '../log/schema.js';
import { AgentMetrics, LOG_JOB, pushMetrics } from './agent-metrics.js';

const NOW = new Date('2026-02-17T06:00:00Z'); // 11:30 in Asia/Kolkata
const AT = { now: NOW, timeZone: 'Asia/Kolkata', budgets: { ecm: 5 } };
const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

let database: TestDatabase;
let seq = 0;
const execution = (over: Partial<ExecutionRecord>): ExecutionRecord =>
  anExecution({ id: `exec-${++seq}`, createdAt: NOW, usage: { ...NO_USAGE, input: 30_000, output: 2000 }, ...over });

beforeAll(async () => {
  database = await openPgliteDb();
  await ensureAgentSchema(database.db);
  const yesterday = new Date('2026-02-16T12:00:00Z'); // before midnight IST: not today's spend
  for (const e of [
    execution({ routing: { from: 'ecm-triage', to: 'ecm-diagnose' } }),
    execution({ routing: { from: 'ecm-triage', to: 'ecm-diagnose' }, outcome: 'error', latencyMs: 40_000, costUsd: 0.02 }),
    execution({ skill: 'ecm-daily-flow', role: 'manager', model: 'claude-haiku-4-5', costUsd: 0.003, latencyMs: 1600 }),
    execution({
      skill: 'ecm-daily-flow',
      role: 'manager',
      model: 'claude-haiku-4-5',
      costUsd: 0.004,
      latencyMs: 1200,
      createdAt: yesterday,
    }),
  ]) {
    await recordExecution(database.db, e);
  }
  await recordUserCorrection(database.db, 'exec-1', 'Root cause was the payout partner, not the acquirer');
});
afterAll(async () => database.close());

/** The design's list: `name{label, label}` per bullet. */
function designMetrics(): { name: string; labels: string[] }[] {
  const text = readFileSync(new URL('./design-metrics.txt', import.meta.url), 'utf8');
  return [...text.matchAll(/•\s*(aspora_[a-z_]+)\{([^}]*)\}/g)].map((m) => ({
    name: m[1]!,
    labels: m[2]!.split(',').map((l) => l.trim()),
  }));
}

/**
 * Where we differ from the list, each for a reason in DECISIONS.md: counters end in _total, and two
 * extra labels the design's own alerts select on.
 */
const RENAMED: Record<string, string> = { aspora_skill_routing_decisions: 'aspora_skill_routing_decisions_total' };
const EXTRA_LABELS: Record<string, string[]> = { aspora_executions_total: ['outcome'], aspora_skill_executions_total: ['skill_role'] };

describe('the metrics', () => {
  it("have the design's names and labels", async () => {
    const design = designMetrics();
    expect(design).toHaveLength(12);
    const metrics = new AgentMetrics();
    await metrics.refreshFromLog(database.db, AT);
    const exported = await metrics.registry.getMetricsAsJSON();
    for (const d of design) {
      const name = RENAMED[d.name] ?? d.name;
      const metric = metrics.registry.getSingleMetric(name) as unknown as { labelNames: readonly string[]; type: string } | undefined;
      expect(metric, name).toBeDefined();
      expect([...metric!.labelNames].sort(), name).toEqual([...d.labels, ...(EXTRA_LABELS[name] ?? [])].sort());
      const values = exported.find((m) => m.name === name)!.values;
      expect(values.length, `${name} has a series`).toBeGreaterThan(0);
      if (metric!.type === 'counter') expect(name).toMatch(/_total$/);
    }
    expect(new Set(design.flatMap((d) => d.labels))).toContain('skill_role');
  });

  it('read the execution log: totals since it began, spend of today, satisfaction from corrections', async () => {
    const metrics = new AgentMetrics();
    await metrics.refreshFromLog(database.db, AT);
    const text = await metrics.registry.metrics();
    for (const line of [
      'aspora_executions_total{domain="ecm",outcome="success"} 3',
      'aspora_executions_total{domain="ecm",outcome="error"} 1',
      'aspora_cost_total_dollars{domain="ecm"} 0.143',
      'aspora_success_rate{domain="ecm"} 0.6666666666666666',
      'aspora_feedback_corrections_total{domain="ecm"} 1',
      'aspora_domain_executions_total{domain="ecm",skill_role="manager"} 2',
      'aspora_domain_executions_total{domain="ecm",skill_role="specialist"} 2',
      'aspora_domain_cost_dollars{domain="ecm",skill_role="manager",model="claude-haiku-4-5"} 0.003',
      'aspora_domain_latency_seconds_bucket{domain="ecm",skill_role="specialist",le="10"} 1',
      'aspora_domain_latency_seconds_bucket{domain="ecm",skill_role="specialist",le="+Inf"} 2',
      'aspora_domain_latency_seconds_sum{domain="ecm",skill_role="specialist"} 48.7',
      'aspora_skill_executions_total{skill_name="ecm-diagnose",skill_role="specialist",outcome="error"} 1',
      'aspora_skill_latency_seconds_bucket{skill_name="ecm-daily-flow",le="2"} 2',
      'aspora_skill_latency_seconds_count{skill_name="ecm-daily-flow"} 2',
      'aspora_skill_cost_dollars{skill_name="ecm-diagnose",model="claude-sonnet-4-6"} 0.1399', // 0.12 + 0.02 in binary floating point
      'aspora_skill_user_satisfaction{skill_name="ecm-diagnose"} 0.5',
      'aspora_skill_user_satisfaction{skill_name="ecm-daily-flow"} 1',
      'aspora_skill_routing_decisions_total{from_skill="ecm-triage",to_skill="ecm-diagnose"} 2',
      'aspora_domain_spend_today_dollars{domain="ecm"} 0.143',
      'aspora_domain_budget_dollars{domain="ecm"} 5',
      'aspora_skill_tokens_total{skill_name="ecm-diagnose",kind="input"} 60000',
    ]) {
      expect(text).toContain(line);
    }
    // Reading twice gives the same numbers: nothing accumulates in memory.
    await metrics.refreshFromLog(database.db, AT);
    expect(await metrics.registry.metrics()).toBe(text);
  });
});

async function pushgateway(status = 200) {
  const received: { method: string; url: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, body });
      res.writeHead(status);
      res.end(status >= 400 ? 'bad push' : '');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('pushing', () => {
  it("replaces the log's group and adds the phase's last-run time to the run's group", async () => {
    const gw = await pushgateway();
    const m = new AgentMetrics();
    await m.refreshFromLog(database.db, AT);
    const result = await pushMetrics(m, { job: 'ecm-manager', phase: 'backlog', domain: 'ecm' }, { PUSHGATEWAY_URL: gw.url });
    expect(result).toEqual({ ok: true, url: gw.url });
    expect(gw.received.map((r) => [r.method, r.url])).toEqual([
      ['PUT', `/metrics/job/${LOG_JOB}`],
      ['POST', '/metrics/job/ecm-manager/phase/backlog'],
    ]);
    expect(gw.received[0]!.body).toContain('aspora_executions_total{domain="ecm",outcome="success"} 3');
    expect(gw.received[1]!.body).toMatch(/aspora_domain_last_run_timestamp_seconds\{domain="ecm",phase="backlog"\} \d{10}/);
  });

  it('never throws when the push fails, and skips without PUSHGATEWAY_URL', async () => {
    const m = new AgentMetrics();
    const refusing = await pushgateway(500);
    expect(await m.push(refusing.url, { job: 'ecm-manager', phase: 'triage', domain: 'ecm' })).toEqual({
      ok: false,
      error: expect.stringMatching(/push failed with status 500/),
    });
    const closed = await pushgateway();
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(await m.push(closed.url, { job: 'ecm-manager', phase: 'triage', domain: 'ecm' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('ECONNREFUSED'),
    });
    expect(await pushMetrics(m, { job: 'ecm-manager', phase: 'triage', domain: 'ecm' }, {})).toEqual({
      ok: 'skipped',
      reason: 'PUSHGATEWAY_URL not set',
    });
  });
});
