import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { AgentMetrics } from './agent-metrics.js';

const ALERTS_FILE = new URL('../../../../deploy/prometheus/alerts.yml', import.meta.url);
const duration = z.string().regex(/^\d+[smhd]$/);
const ruleFile = z
  .object({
    groups: z
      .array(
        z
          .object({
            name: z.string().min(1),
            rules: z.array(
              z
                .object({
                  alert: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
                  expr: z.string().min(1),
                  for: duration.optional(),
                  labels: z.object({ severity: z.enum(['warning', 'critical']) }).catchall(z.string()),
                  annotations: z.object({ summary: z.string().min(1), description: z.string().min(1) }).catchall(z.string()),
                })
                .strict(),
            ),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** Crude PromQL sanity: brackets balance outside strings. */
function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let inString = false;
  for (const ch of expr) {
    if (ch === '"') inString = !inString;
    if (inString) continue;
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0 && !inString;
}

describe('deploy/prometheus/alerts.yml', () => {
  const file = ruleFile.parse(yaml.load(readFileSync(ALERTS_FILE, 'utf8')));
  const rules = file.groups.flatMap((g) => g.rules);

  it("has the four alerts of the design (the missed-run alerts are in runs.yml, on the manager's own gauges)", () => {
    expect(rules.map((r) => r.alert)).toEqual(['SkillSuccessRateLow', 'DomainBudgetExceeded', 'ManagerNotRouting', 'SkillLatencyP95High']);
    expect(rules.find((r) => r.alert === 'SkillSuccessRateLow')).toMatchObject({ for: '10m', expr: expect.stringContaining('< 0.9') });
    expect(rules.find((r) => r.alert === 'SkillLatencyP95High')!.expr).toMatch(/histogram_quantile\(0\.95,.*\) > 30/s);
  });

  it('only uses metrics the runtime exports, with their labels', async () => {
    const metrics = new AgentMetrics();
    const all = Registry.merge([metrics.registry, metrics.runRegistry]);
    const exported = new Set(
      (await all.getMetricsAsJSON()).flatMap((m) =>
        m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
      ),
    );
    const labels = new Map(
      (await all.getMetricsAsJSON()).map((m) => [m.name, (all.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames]),
    );
    for (const rule of rules) {
      expect(balanced(rule.expr), rule.alert).toBe(true);
      const used = [...rule.expr.matchAll(/\baspora_[a-z_]+/g)].map((m) => m[0]);
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) expect(exported, `${rule.alert} uses ${name}`).toContain(name);
      for (const m of rule.expr.matchAll(/\b(aspora_[a-z_]+?)(?:_bucket)?\{([^}]*)\}/g)) {
        const base = m[1]!;
        for (const sel of m[2]!.split(',')) {
          const label = sel.trim().split(/[=!~]/)[0]!;
          expect(labels.get(base), `${rule.alert}: ${base} has label ${label}`).toContain(label);
        }
      }
      for (const m of rule.expr.matchAll(/by \(([^)]*)\)/g)) {
        for (const label of m[1]!.split(',').map((s) => s.trim())) {
          if (label === 'le') continue;
          expect(
            [...labels.values()].some((l) => l.includes(label)),
            `${rule.alert}: label ${label}`,
          ).toBe(true);
        }
      }
    }
  });
});
