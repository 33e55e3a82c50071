import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openPgliteDb, type TestDatabase } from '../__fixtures__/databases.js';
import { queryRows } from '../db/sql.js';
import { recordExecutionDetail } from '../log/execution-detail.js';
import { recordExecution, recordUserCorrection, type ExecutionRecord } from '../log/execution-log.js';
import { ensureAgentSchema } from '../log/schema.js';
// The domain's work gauges are the manager's (pushed with every run, with or without a model).
import { pushRunGauges } from '../../../manager/src/metrics/run-gauges.js';
import { AgentMetrics, pushMetrics } from './agent-metrics.js';
import { freePort } from '../../../core/src/__fixtures__/free-port.js';

const GRAFANA = new URL('../../../../deploy/grafana/', import.meta.url);
const target = z.object({
  refId: z.string(),
  datasource: z.object({ uid: z.string() }),
  expr: z.string().optional(),
  rawSql: z.string().optional(),
});
const dashboardFile = z.object({
  uid: z.string(),
  title: z.string(),
  templating: z.object({
    list: z.array(z.object({ name: z.string(), allValue: z.string().optional(), current: z.object({ value: z.string() }).optional() })),
  }),
  panels: z
    .array(z.object({ id: z.number(), title: z.string(), datasource: z.object({ uid: z.string() }), targets: z.array(target).min(1) }))
    .min(1),
});
const dashboards = readdirSync(new URL('dashboards/', GRAFANA))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, ...dashboardFile.parse(JSON.parse(readFileSync(new URL(`dashboards/${f}`, GRAFANA), 'utf8'))) }));
const datasourceUids = [
  ...readFileSync(new URL('provisioning/datasources/aspora.yaml', GRAFANA), 'utf8').matchAll(/^\s+uid: (\S+)$/gm),
].map((m) => m[1]);

/** The value a panel sees for each template variable: "All" where allowed, else the default. */
const substitute = (text: string, vars: { name: string; allValue?: string | undefined; current?: { value: string } | undefined }[]) =>
  vars.reduce((t, v) => t.replaceAll(`$${v.name}`, v.allValue ?? v.current?.value ?? ''), text);

function binary(...names: string[]): string | null {
  for (const name of names) if (spawnSync('sh', ['-c', `command -v ${name}`]).status === 0) return name;
  return null;
}
const pushgatewayBin = binary('prometheus-pushgateway', 'pushgateway');
const prometheusBin = binary('prometheus');
const haveBinaries = Boolean(pushgatewayBin && prometheusBin);
// On a laptop without them the Prometheus half is skipped; CI installs Debian's prometheus and prometheus-pushgateway.
if (!haveBinaries && process.env.CI)
  throw new Error('CI needs the prometheus and prometheus-pushgateway binaries (Debian packages of those names)');

async function until<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let database: TestDatabase;
const now = new Date();
let seq = 0;
const execution = (over: Partial<ExecutionRecord>): ExecutionRecord => ({
  id: `run-${++seq}`,
  createdAt: now,
  domain: 'ecm',
  skill: 'pattern-intelligence',
  role: 'manager',
  model: 'claude-haiku-4-5',
  subject: null,
  inputSummary: 'patterns facts',
  output: { bullets: [] },
  toolCalls: [],
  turns: 1,
  usage: { input: 1200, output: 80, cacheWrite: 0, cacheRead: 0 },
  costUsd: 0.0016,
  latencyMs: 1600,
  outcome: 'success',
  outcomeDetail: null,
  routing: null,
  traceId: 'a'.repeat(32),
  ...over,
});

/** A daily run as the log keeps it: three manager insights and one routed diagnosis with a tool call, later corrected. */
async function logADailyRun(db: TestDatabase['db']) {
  await ensureAgentSchema(db);
  for (const skill of ['ecm-daily-flow', 'triage-and-assign', 'pattern-intelligence']) await recordExecution(db, execution({ skill }));
  const diagnosis = execution({
    skill: 'ecm-diagnose',
    role: 'specialist',
    model: 'claude-sonnet-4-6',
    costUsd: 0.12,
    latencyMs: 8700,
    turns: 2,
    outcome: 'verifier_dropped',
    routing: { from: 'ecm-triage', to: 'ecm-diagnose' },
    toolCalls: [{ name: 'runbooks_search', args_digest: '0123456789abcdef', ms: 800, ok: true, turn: 1 }],
  });
  await recordExecution(db, diagnosis);
  await recordExecutionDetail(db, {
    executionId: diagnosis.id,
    spanId: 'b'.repeat(16),
    input: 'Diagnose this cluster',
    modelMs: 7600,
    toolsMs: 800,
    turns: [
      {
        turn: 1,
        text: 'Checking the runbook first.',
        stop_reason: 'tool_use',
        model: 'claude-sonnet-4-6',
        model_ms: 3000,
        attempts: 1,
        usage: { input: 1200, output: 60, cacheWrite: 0, cacheRead: 0 },
        cost_usd: 0.0045,
        tool_calls: [],
        tools_ms: 800,
      },
    ],
  });
  await recordUserCorrection(db, diagnosis.id, 'The payout partner, not the acquirer');
}

beforeAll(async () => {
  database = await openPgliteDb();
  await logADailyRun(database.db);
});
afterAll(async () => database.close());

describe('the Grafana dashboards', () => {
  it('are the three of the design, on the provisioned data sources', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(['aspora-domain', 'aspora-platform', 'aspora-skill']);
    for (const d of dashboards)
      for (const p of d.panels) for (const t of p.targets) expect(datasourceUids, `${d.file}: ${p.title}`).toContain(t.datasource.uid);
  });

  it("every SQL panel's query returns rows from the execution log", async () => {
    const sqlPanels = dashboards.flatMap((d) =>
      d.panels.flatMap((p) => p.targets.filter((t) => t.rawSql).map((t) => ({ d, p, sql: t.rawSql! }))),
    );
    expect(sqlPanels.length).toBeGreaterThanOrEqual(8);
    for (const { d, p, sql } of sqlPanels) {
      // Grafana's time macro for the dashboard's default range (last 24 hours).
      const runnable = substitute(sql, d.templating.list).replace(/\$__timeFilter\(([^)]+)\)/g, "$1 > now() - interval '24 hours'");
      const rows = await queryRows(database.db, runnable);
      expect(rows.length, `${d.file}: ${p.title}`).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(!haveBinaries)('the dashboards against a real Prometheus fed by a Pushgateway', () => {
  const children: ChildProcess[] = [];
  let dir: string;
  let prometheus: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-prom-'));
    const [gatewayPort, prometheusPort] = [await freePort(), await freePort()];
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    prometheus = `http://127.0.0.1:${prometheusPort}`;
    children.push(spawn(pushgatewayBin!, [`--web.listen-address=127.0.0.1:${gatewayPort}`], { stdio: 'ignore' }));
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${fileURLToPath(new URL('../prometheus/platform-alerts.yml', GRAFANA))}\nscrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:${gatewayPort}']\n`,
    );
    children.push(
      spawn(
        prometheusBin!,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
        ],
        { stdio: 'ignore' },
      ),
    );
    await until('the Pushgateway', async () => ((await fetch(`${gateway}/-/ready`)).ok ? true : null));
    await until('Prometheus', async () => ((await fetch(`${prometheus}/-/ready`)).ok ? true : null));

    const metrics = new AgentMetrics();
    await metrics.refreshFromLog(database.db, { now, timeZone: 'Asia/Kolkata', budgets: { ecm: 5 } });
    expect(await pushMetrics(metrics, { job: 'ecm-manager', phase: 'backlog', domain: 'ecm' }, { PUSHGATEWAY_URL: gateway })).toEqual({
      ok: true,
      url: gateway,
    });
    expect(await pushMetrics(metrics, { job: 'ecm-manager', phase: 'triage', domain: 'ecm' }, { PUSHGATEWAY_URL: gateway })).toEqual({
      ok: true,
      url: gateway,
    });
    const run = [
      {
        phase: 'backlog',
        status: 'succeeded',
        ms: 1500,
        facts: { actionable: 412, value_at_risk_aed: 1_250_000.5, high_value: 9 },
        messages: [{ thread: [] }],
      },
      {
        phase: 'triage',
        status: 'succeeded',
        ms: 800,
        facts: { assigned: 120, assigned_value_aed: 90_000, overflow: { total: 14 }, not_assigned_by_gate: 0 },
        messages: [{ thread: [] }],
      },
    ];
    expect(await pushRunGauges(run, { env: { PUSHGATEWAY_URL: gateway } })).toEqual({ ok: true, pushed: 2 });
  }, 60_000);
  afterAll(() => {
    for (const c of children) c.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = async (expr: string) => {
    const body = z
      .object({
        status: z.literal('success'),
        data: z.object({
          result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
        }),
      })
      .parse(await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)).json());
    return body.data.result;
  };

  it("every Prometheus panel's query returns data once the run's metrics are scraped", async () => {
    const promTargets = dashboards.flatMap((d) =>
      d.panels.flatMap((p) => p.targets.filter((t) => t.expr).map((t) => ({ d, p, expr: substitute(t.expr!, d.templating.list) }))),
    );
    expect(promTargets.length).toBeGreaterThanOrEqual(20);
    for (const { d, p, expr } of promTargets) {
      // increase() needs two scrapes of a series: wait for them.
      const result = await until(`${d.file}: ${p.title}`, async () => {
        const r = await query(expr);
        return r.length ? r : null;
      });
      expect(result.length).toBeGreaterThan(0);
      expect(
        result.every((s) => Number.isFinite(Number(s.value[1]))),
        `${d.file}: ${p.title}: ${expr}`,
      ).toBe(true);
    }
    // Spot checks of what the panels show.
    expect(Number((await query('sum(aspora_cost_total_dollars)'))[0]!.value[1])).toBeCloseTo(0.1248, 10);
    expect((await query('sum by (from_skill, to_skill) (aspora_skill_routing_decisions_total)'))[0]!.metric).toEqual({
      from_skill: 'ecm-triage',
      to_skill: 'ecm-diagnose',
    });
    expect(Number((await query('max(ecm_triage_unassigned_orders{domain="ecm"})'))[0]!.value[1])).toBe(14);
    expect(Number((await query('max(ecm_backlog_high_value_orders{domain="ecm"})'))[0]!.value[1])).toBe(9);
  }, 120_000);

  it('loads the platform alerts', async () => {
    const rules = z
      .object({ data: z.object({ groups: z.array(z.object({ rules: z.array(z.object({ name: z.string(), health: z.string() })) })) }) })
      .parse(await (await fetch(`${prometheus}/api/v1/rules`)).json());
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name)).toEqual(['PlatformSuccessRateLow', 'DomainBudgetExceeded', 'ManagerNotRouting', 'SkillLatencyHigh']);
  });
});
