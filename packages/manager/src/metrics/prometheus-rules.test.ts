import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gaugesFor } from './run-gauges.js';
import { RULE_FILES, RULE_TESTS, hasTool, promtool } from './__fixtures__/promtool.js';
import { toolMissingTests } from '../../../core/src/__fixtures__/required-tool.js';

// deploy/prometheus: the rules load in Prometheus (promtool check rules) and behave as their unit
// tests say (promtool test rules), with a firing case for every alert and a healthy install without
// an LLM key firing nothing. promtool is Debian's `prometheus` package: CI installs it (.ci/run) and
// fails without it; elsewhere these tests are skipped with a notice.
const ruleFile = z.object({
  groups: z.array(z.object({ name: z.string(), rules: z.array(z.object({ alert: z.string(), expr: z.string() }).loose()) })),
});
const testFile = z.object({
  rule_files: z.array(z.string()),
  tests: z.array(
    z
      .object({
        name: z.string(),
        alert_rule_test: z.array(z.object({ eval_time: z.string(), alertname: z.string(), exp_alerts: z.array(z.unknown()) })),
      })
      .loose(),
  ),
});

const alerts = RULE_FILES.flatMap((f) => ruleFile.parse(yaml.load(readFileSync(f, 'utf8'))).groups.flatMap((g) => g.rules));
const unitTests = testFile.parse(yaml.load(readFileSync(RULE_TESTS, 'utf8')));

describe('deploy/prometheus rule files and their unit tests', () => {
  it('test every alert: a case where it fires, and the healthy no-LLM install where none does', () => {
    const names = alerts.map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
    expect(unitTests.rule_files.map((f) => path.resolve(path.dirname(RULE_TESTS), f)).sort()).toEqual([...RULE_FILES].sort());
    const fires = new Set(unitTests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    expect(names.filter((n) => !fires.has(n))).toEqual([]);
    const healthy = unitTests.tests.find((t) => t.name === 'a healthy install without an LLM key fires nothing');
    expect(healthy).toBeDefined();
    expect(new Set(healthy!.alert_rule_test.filter((a) => a.exp_alerts.length === 0).map((a) => a.alertname))).toEqual(new Set(names));
    expect(JSON.stringify(healthy)).not.toMatch(/aspora_/);
  });

  it('use only gauges the manager pushes, and no agent metric in the run alerts', () => {
    const pushed = new Set(
      ['backlog', 'triage', 'patterns'].flatMap((phase) =>
        gaugesFor(
          {
            phase,
            status: 'succeeded',
            ms: 1,
            messages: [],
            facts: { actionable: 1, value_at_risk_aed: 1, assigned: 1, assigned_value_aed: 1, pattern_count: 1, novel_count: 1 },
          },
          new Date(),
        ).map((g) => g.name),
      ),
    );
    const runAlerts = ruleFile.parse(yaml.load(readFileSync(RULE_FILES[1]!, 'utf8'))).groups.flatMap((g) => g.rules);
    for (const rule of runAlerts) {
      const used = [...rule.expr.matchAll(/\b(?:ecm|aspora)_[a-z_]+/g)].map((m) => m[0]);
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) expect(pushed, `${rule.alert} uses ${name}`).toContain(name);
    }
  });
});

const available = hasTool('promtool');
describe.runIf(available)('promtool', () => {
  it('check rules: both files load', () => {
    const r = promtool(['check', 'rules', ...RULE_FILES]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 4 rules found[\s\S]*SUCCESS: 5 rules found/);
  });

  it('test rules: every case in deploy/prometheus/tests passes', () => {
    const r = promtool(['test', 'rules', RULE_TESTS]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('test rules fails on a wrong expectation (the unit tests can fail)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-promtool-'));
    try {
      const wrong = {
        rule_files: RULE_FILES,
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [{ series: 'ecm_phase_last_success_timestamp_seconds{job="ecm-manager",phase="backlog"}', values: '0x1700' }],
            alert_rule_test: [{ eval_time: '27h', alertname: 'DailyRunMissed', exp_alerts: [] }],
          },
        ],
      };
      writeFileSync(path.join(dir, 'wrong.yml'), yaml.dump(wrong));
      const r = promtool(['test', 'rules', path.join(dir, 'wrong.yml')]);
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/DailyRunMissed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Not describe.runIf: a skipped describe is still collected, and would print the missing-tool notice.
if (!available) {
  describe('promtool', () => {
    toolMissingTests({ tool: 'promtool', debianPackage: 'prometheus', checks: 'the alert rules', file: 'prometheus-rules.test.ts' });
  });
}
