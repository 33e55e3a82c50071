import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, RULE_FILES, hasTool, promtool } from './__fixtures__/promtool.js';
import { toolMissingTests } from '../../../core/src/__fixtures__/required-tool.js';
import { freePort } from '../../../core/src/__fixtures__/free-port.js';

// A real Pushgateway (Debian's prometheus-pushgateway, started here on a free loopback port) receives
// the metrics of a real `ecm-manager daily` with no LLM key, and the alert rules evaluated on exactly
// those series fire nothing. CI installs the Pushgateway (.ci/run) and fails without it; elsewhere
// the test is skipped with a notice.
const PUSHGATEWAY = 'prometheus-pushgateway';
const available = hasTool(PUSHGATEWAY);
const CLI = path.join(ROOT, 'packages/manager/bin/ecm-manager.js');
const AS_OF = '2026-02-17T01:30:00Z';

/** The environment of a fresh install: no LLM key, no Slack, no servers; only ECM_HOME and the Pushgateway. */
function installEnv(home: string, pushgateway: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ECM_HOME: home, PUSHGATEWAY_URL: pushgateway, NO_COLOR: '1' };
  for (const key of Object.keys(env))
    if (/^(ANTHROPIC_|SLACK_|GOOGLE_)/.test(key) || ['ECM_WAREHOUSE_URL', 'ECM_STATE_URL', 'ECM_TICKETS', 'ECM_GATEWAY_URL'].includes(key))
      delete env[key];
  return env;
}

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Samples of Prometheus text format (what the Pushgateway serves on /metrics). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

describe.runIf(available)('a daily run without an LLM key, pushed to a real Pushgateway', () => {
  let gateway: ChildProcess;
  let url = '';
  const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-push-'));
  let samples: Sample[] = [];
  let facts: Record<string, Record<string, unknown>> = {};
  let started = 0;
  let finished = 0;

  beforeAll(async () => {
    // A free port can be taken by another process before ours binds it; then our Pushgateway exits
    // and another one may answer. Retry until the one answering is ours and still running.
    for (let attempt = 0; attempt < 5 && !url; attempt++) {
      const port = await freePort();
      // Debian's build persists to /var/lib/prometheus/pushgateway.data by default, shared by every
      // instance on the machine: this one keeps its metrics in memory only.
      const child = spawn(PUSHGATEWAY, [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='], { stdio: 'ignore' });
      for (let i = 0; i < 150 && child.exitCode === null; i++) {
        if (
          await fetch(`http://127.0.0.1:${port}/-/ready`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 500));
      const empty = !(
        await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => 'unreachable',
        )
      ).includes('ecm-manager');
      if (child.exitCode === null && empty) {
        gateway = child;
        url = `http://127.0.0.1:${port}`;
      } else child.kill();
    }
    if (!url) throw new Error('could not start a Pushgateway of our own');
  });
  afterAll(() => {
    gateway?.kill();
    rmSync(home, { recursive: true, force: true });
  });

  it('receives every phase of the run', () => {
    const env = installEnv(home, url);
    const seed = spawnSync(process.execPath, [CLI, 'demo', 'seed', '--orders', '3000', '--as-of', AS_OF], { env, encoding: 'utf8' });
    expect(seed.status, seed.stderr).toBe(0);
    started = Math.floor(Date.now() / 1000);
    const daily = spawnSync(process.execPath, [CLI, 'daily', '--json', '--as-of', AS_OF], { env, encoding: 'utf8', timeout: 540_000 });
    finished = Math.ceil(Date.now() / 1000);
    expect(daily.status, daily.stderr).toBe(0);
    expect(daily.stderr).not.toMatch(/Metrics not pushed/);
    const out = JSON.parse(daily.stdout) as { phases: { phase: string; status: string; facts: Record<string, unknown> }[] };
    expect(out.phases.map((p) => p.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    facts = Object.fromEntries(out.phases.map((p) => [p.phase, p.facts]));
  }, 600_000);

  it('serves the run gauges on /metrics: last success per phase, status, backlog, value at risk, tickets, messages', async () => {
    samples = parseMetrics(await (await fetch(`${url}/metrics`)).text());
    const get = (name: string, labels: Record<string, string>) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    for (const phase of ['backlog', 'triage', 'patterns']) {
      const [success] = get('ecm_phase_last_success_timestamp_seconds', { job: 'ecm-manager', phase });
      expect(success, phase).toBeDefined();
      expect(success!.value).toBeGreaterThanOrEqual(started);
      expect(success!.value).toBeLessThanOrEqual(finished);
      expect(get('ecm_phase_last_run_status', { job: 'ecm-manager', phase, status: 'succeeded' })[0]?.value, phase).toBe(1);
      expect(get('ecm_phase_messages_posted', { job: 'ecm-manager', phase })[0]?.value, phase).toBeGreaterThan(0);
      expect(get('ecm_phase_duration_seconds', { job: 'ecm-manager', phase })[0]?.value, phase).toBeGreaterThan(0);
    }
    expect(get('ecm_backlog_actionable_orders', { phase: 'backlog' })[0]?.value).toBe(facts.backlog!.actionable);
    expect(get('ecm_backlog_value_at_risk_aed', { phase: 'backlog' })[0]?.value).toBe(facts.backlog!.value_at_risk_aed);
    expect(get('ecm_backlog_high_value_orders', { phase: 'backlog' })[0]?.value).toBe(facts.backlog!.high_value);
    expect(get('ecm_triage_tickets_assigned', { phase: 'triage' })[0]?.value).toBe(facts.triage!.assigned);
    expect(get('ecm_triage_unassigned_orders', { phase: 'triage', domain: 'ecm' })[0]?.value).toEqual(expect.any(Number));
    expect(facts.triage!.assigned).toEqual(expect.any(Number));
    // No LLM key: the execution log's metrics are still pushed (earlier runs' executions), but this run
    // executed no skill; in the run's groups there is only each phase's last-run time, and no run gauge depends on it.
    expect(
      samples
        .filter((s) => s.name.startsWith('aspora_') && s.labels.job === 'ecm-manager')
        .map((s) => [s.name, s.labels.phase])
        .sort(),
    ).toEqual(['backlog', 'patterns', 'triage'].map((phase) => ['aspora_domain_last_run_timestamp_seconds', phase]));
    expect(samples.filter((s) => s.name === 'aspora_executions_total' && s.value > 0)).toEqual([]);
    // The Pushgateway that answered is the one started here (it exits at once if its port was taken).
    expect(gateway.exitCode).toBeNull();
  });

  it.runIf(hasTool('promtool'))(
    'fires no alert on those series (and the daily alert once they are 27 hours old)',
    () => {
      // The series as Prometheus scrapes them (honor_labels), with the run moved to the Unix epoch,
      // where promtool's clock starts.
      const series = samples
        .filter((s) => s.name.startsWith('ecm_') && s.labels.job === 'ecm-manager')
        .map((s) => ({
          series: `${s.name}{${Object.entries(s.labels)
            .filter(([k]) => k !== 'instance')
            .map(([k, v]) => `${k}="${v}"`)
            .join(',')}}`,
          values: `${s.name.endsWith('_timestamp_seconds') ? s.value - started : s.value}x1700`,
        }));
      const rules = RULE_FILES.flatMap((f) =>
        (
          yaml.load(readFileSync(f, 'utf8')) as { groups: { rules: { alert: string; annotations: Record<string, string> }[] }[] }
        ).groups.flatMap((g) => g.rules),
      );
      const daily = rules.find((r) => r.alert === 'DailyRunMissed')!;
      const test = {
        rule_files: RULE_FILES,
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: series,
            alert_rule_test: [
              ...rules.map(({ alert }) => ({ eval_time: '1h', alertname: alert, exp_alerts: [] })),
              {
                eval_time: '27h',
                alertname: 'DailyRunMissed',
                exp_alerts: [{ exp_labels: { severity: 'critical', job: 'ecm-manager' }, exp_annotations: daily.annotations }],
              },
            ],
          },
        ],
      };
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-promtool-'));
      try {
        writeFileSync(path.join(dir, 'pushed.test.yml'), yaml.dump(test));
        const r = promtool(['test', 'rules', path.join(dir, 'pushed.test.yml')]);
        expect(r.status, r.stdout + r.stderr).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

// Not describe.runIf: a skipped describe is still collected, and would print the missing-tool notice.
if (!available) {
  describe('a daily run pushed to a real Pushgateway', () => {
    toolMissingTests({
      tool: 'prometheus-pushgateway',
      debianPackage: 'prometheus-pushgateway',
      checks: 'a daily run pushed to it',
      file: 'pushgateway.test.ts',
    });
  });
}
