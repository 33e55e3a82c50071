import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentMetrics, pushMetrics } from './agent-metrics.js';

const execution = { domain: 'ecm', skill: 'ecm-diagnose', role: 'specialist', model: 'claude-sonnet-4-6', outcome: 'success' as const, latencyMs: 8700, costUsd: 0.12, usage: { input: 30_000, output: 2000, cacheWrite: 1500, cacheRead: 0 } };
const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
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

describe('AgentMetrics', () => {
  it('exposes the §15 metrics with their labels, and domain and platform totals', async () => {
    const m = new AgentMetrics();
    m.observeExecution(execution);
    m.observeExecution({ ...execution, skill: 'ecm-triage', role: 'manager', model: 'claude-haiku-4-5', outcome: 'error', latencyMs: 1600, costUsd: 0.003 });
    m.observeRouting('ecm', 'ecm-triage', 'ecm-diagnose');
    m.observeRouting('ecm', 'ecm-triage', null);
    m.setDailySpend('ecm', 0.123, 5);
    const text = await m.registry.metrics();
    for (const line of [
      'aspora_skill_executions_total{skill_name="ecm-diagnose",outcome="success"} 1',
      'aspora_skill_executions_total{skill_name="ecm-triage",outcome="error"} 1',
      'aspora_skill_latency_seconds_bucket{le="10",skill_name="ecm-diagnose"} 1',
      'aspora_skill_latency_seconds_bucket{le="5",skill_name="ecm-diagnose"} 0',
      'aspora_skill_cost_dollars{skill_name="ecm-diagnose",model="claude-sonnet-4-6"} 0.12',
      'aspora_skill_routing_decisions{from_skill="ecm-triage",to_skill="ecm-diagnose"} 1',
      'aspora_skill_routing_decisions{from_skill="ecm-triage",to_skill="none"} 1',
      'aspora_skill_tokens_total{skill_name="ecm-diagnose",kind="cache_write"} 1500',
      'aspora_domain_executions_total{domain="ecm",role="specialist",outcome="success"} 1',
      'aspora_domain_cost_dollars{domain="ecm"} 0.123',
      'aspora_domain_routing_decisions_total{domain="ecm"} 2',
      'aspora_domain_spend_today_dollars{domain="ecm"} 0.123',
      'aspora_domain_budget_dollars{domain="ecm"} 5',
      'aspora_platform_executions_total{outcome="success"} 1',
      'aspora_platform_cost_dollars 0.123',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('pushes to a Pushgateway grouped by job and phase, stamping the run time', async () => {
    const gw = await pushgateway();
    const m = new AgentMetrics();
    m.observeExecution(execution);
    const result = await pushMetrics(m, { job: 'ecm-manager', phase: 'backlog', domain: 'ecm' }, { PUSHGATEWAY_URL: gw.url });
    expect(result).toEqual({ ok: true, url: gw.url });
    expect(gw.received).toHaveLength(1);
    expect(gw.received[0]).toMatchObject({ method: 'POST', url: '/metrics/job/ecm-manager/phase/backlog' });
    expect(gw.received[0]!.body).toContain('aspora_skill_executions_total{skill_name="ecm-diagnose",outcome="success"} 1');
    expect(gw.received[0]!.body).toMatch(/aspora_domain_last_run_timestamp_seconds\{domain="ecm",phase="backlog"\} \d{10}/);
  });

  it('never throws when the push fails, and skips without PUSHGATEWAY_URL', async () => {
    const m = new AgentMetrics();
    const refusing = await pushgateway(500);
    expect(await m.push(refusing.url, { job: 'ecm-manager', phase: 'triage', domain: 'ecm' })).toEqual({ ok: false, error: expect.stringMatching(/push failed with status 500/) });
    const closed = await pushgateway();
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(await m.push(closed.url, { job: 'ecm-manager', phase: 'triage', domain: 'ecm' })).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
    expect(await pushMetrics(m, { job: 'ecm-manager', phase: 'triage', domain: 'ecm' }, {})).toEqual({ ok: 'skipped', reason: 'PUSHGATEWAY_URL not set' });
  });
});
