import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSharedDir, loadConfig } from '@ecm/core/domain';
import { openPglite } from '@ecm/core/warehouse';
import { ensureAgentSchema, logMetricsEndpoint, recordExecution } from '@ecm/agent';
import { anExecution } from '../../../agent/src/__fixtures__/executions.js';
import { GatewayContext } from '../gateway-context.js';
import { startHttpGateway, type HttpGateway } from './http-gateway.js';

describe('GET /metrics on the HTTP gateway', () => {
  let db: Awaited<ReturnType<typeof openPglite>>;
  let http: HttpGateway;
  let failing: HttpGateway;
  const base = (g: HttpGateway) => g.url.replace(/\/mcp$/, '');

  beforeAll(async () => {
    db = await openPglite();
    const sql = { query: async (text: string, params?: unknown[]) => (await db.query<Record<string, unknown>>(text, params)).rows };
    await ensureAgentSchema(sql);
    await recordExecution(sql, anExecution({ id: 'e-1', routing: { from: 'ecm-triage', to: 'ecm-diagnose' } }));
    const ctx = new GatewayContext({
      config: loadConfig(defaultSharedDir()),
      warehouse: async () => Promise.reject(new Error('no warehouse in this test')),
    });
    http = await startHttpGateway(ctx, {
      host: '127.0.0.1',
      port: 0,
      tokens: null,
      metrics: logMetricsEndpoint(sql, { timeZone: 'Asia/Kolkata', budgets: { ecm: 5 } }),
    });
    const broken = { query: async () => Promise.reject(new Error('state database down')) };
    failing = await startHttpGateway(ctx, {
      host: '127.0.0.1',
      port: 0,
      tokens: null,
      metrics: logMetricsEndpoint(broken, { timeZone: 'Asia/Kolkata', budgets: {} }),
    });
  });
  afterAll(async () => {
    await http?.close();
    await failing?.close();
    await db?.close();
  });

  it("serves the execution log's metrics in Prometheus' text format", async () => {
    const res = await fetch(`${base(http)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('aspora_executions_total{domain="ecm",outcome="success"} 1');
    expect(text).toContain('aspora_skill_routing_decisions_total{from_skill="ecm-triage",to_skill="ecm-diagnose"} 1');
    expect(text).toContain('aspora_domain_budget_dollars{domain="ecm"} 5');
  });

  it('answers 503 when the log cannot be read, and the MCP endpoint still needs POST', async () => {
    const res = await fetch(`${base(failing)}/metrics`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('metrics unavailable');
    expect((await fetch(http.url)).status).toBe(405);
  });
});
