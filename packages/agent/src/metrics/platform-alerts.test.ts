import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AgentMetrics } from './agent-metrics.js';
import { readFileSync } from 'node:fs';

const PROMETHEUS_DIR = fileURLToPath(new URL('../../../../deploy/prometheus/', import.meta.url));
const havePromtool = spawnSync('sh', ['-c', 'command -v promtool']).status === 0;
if (!havePromtool && process.env.CI) throw new Error('CI needs promtool (Debian package prometheus)');

describe('deploy/prometheus/platform-alerts.yml', () => {
  it('uses only metric names and labels the runtime exports', async () => {
    const rules = readFileSync(`${PROMETHEUS_DIR}platform-alerts.yml`, 'utf8');
    const metrics = new AgentMetrics();
    const labels = new Map(
      (await metrics.registry.getMetricsAsJSON()).map((m) => [
        m.name,
        (metrics.registry.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames,
      ]),
    );
    const used = [...rules.matchAll(/\b(aspora_[a-z_]+?)(_bucket)?(\{([^}]*)\})?[[)\s]/g)];
    expect(used.length).toBeGreaterThanOrEqual(6);
    for (const m of used) {
      expect(labels.has(m[1]!), m[1]).toBe(true);
      for (const sel of (m[4] ?? '').split(',').filter(Boolean))
        expect(labels.get(m[1]!), `${m[1]} has ${sel}`).toContain(sel.trim().split(/[=!~]/)[0]);
    }
  });

  it.skipIf(!havePromtool)('passes promtool check and its unit tests (each alert fires when it should, and not before)', () => {
    const check = spawnSync('promtool', ['check', 'rules', 'platform-alerts.yml'], { cwd: PROMETHEUS_DIR, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('SUCCESS: 4 rules found');
    const test = spawnSync('promtool', ['test', 'rules', 'platform-alerts.test.yml'], { cwd: PROMETHEUS_DIR, encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });
});
