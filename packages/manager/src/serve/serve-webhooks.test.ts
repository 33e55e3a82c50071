import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSharedDir } from '@ecm/core/domain';
import { openStateDb, type StateDb } from '@ecm/core/stores';
import { domainDirs, ensureAgentSchema, loadDomains, spentSince, spentSinceAllDomains, startOfDay, type Domain } from '@ecm/agent';
import { reply, startFakeMessagesApi, text, type FakeMessagesApi } from '../../../agent/src/__fixtures__/fake-messages-api.js';
import { createCronTriggers } from './cron-triggers.js';
import { createTriggerRunner } from './run-trigger.js';
import { loadServeConfig } from './serve-config.js';
import { ServeMetrics } from './serve-metrics.js';
import { createServeServer, type ServeServer } from './serve-server.js';
import { createTriggerGate } from './trigger-gate.js';
import { ensureTriggerSchema, type TriggerStore } from './trigger-store.js';
import { signWebhook } from './webhook-signature.js';
import { withSchema, ownDatabaseUrl } from '../__fixtures__/pg-schema-url.js';

const SERVER = process.env.ECM_TEST_PG_URL;
/** This file's own database on the test server (set in beforeAll). */
let BASE: string | undefined;
const FIXTURE_DOMAINS = fileURLToPath(new URL('./__fixtures__/domains', import.meta.url));
const SECRET = 'test-refunds-secret-0123456789';

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

function post(port: number, path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let raw = '';
        res.on('data', (c: Buffer) => (raw += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function get(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let raw = '';
      res.on('data', (c: Buffer) => (raw += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: raw }));
    })
      .on('error', reject)
      .end();
  });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
function signed(body: string, at = nowSeconds(), secret = SECRET): Record<string, string> {
  return { 'x-ecm-timestamp': String(at), 'x-ecm-signature': signWebhook(secret, at, body) };
}
let deliveries = 0;
const refundEvent = (id = `rf-${++deliveries}`) =>
  JSON.stringify({ type: 'refund.requested', id, data: { refund_id: id, amount_aed: 120 } });

describe.skipIf(!SERVER)('signed webhooks, routed to domains by configuration', () => {
  const schema = `ecm_hooks_${process.pid}`;
  let admin: pg.Client;
  let state: StateDb;
  let store: TriggerStore;
  let api: FakeMessagesApi;
  let serve: ServeServer;
  let port: number;
  let metrics: ServeMetrics;
  let domains: ReadonlyMap<string, Domain>;
  let mainGate: ReturnType<typeof createTriggerGate>;
  const logged: string[] = [];

  beforeAll(async () => {
    BASE = await ownDatabaseUrl(SERVER!, 'serve_webhooks');
    admin = new pg.Client({ connectionString: BASE });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    state = await openStateDb({ env: { ECM_STATE_URL: withSchema(BASE!, schema) } });
    await ensureTriggerSchema(state);
    await ensureAgentSchema(state);
    api = await startFakeMessagesApi();
    const sharedDir = defaultSharedDir();
    domains = loadDomains(domainDirs({ ECM_DOMAINS_DIR: [`${sharedDir}/domains`, FIXTURE_DOMAINS].join(':') }, sharedDir));
    metrics = new ServeMetrics();
    const tz = 'Asia/Kolkata';
    const gate = createTriggerGate({
      state,
      domains,
      metrics,
      globalDailyBudgetUsd: 20,
      spentToday: (d, now) => (d ? spentSince(state, d, startOfDay(now, tz)) : spentSinceAllDomains(state, startOfDay(now, tz))),
    });
    store = gate.store;
    mainGate = gate;
    const env = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: api.url, REFUNDS_WEBHOOK_SECRET: SECRET };
    const runner = createTriggerRunner({ sharedDir, state, out: process.stderr, env });
    serve = createServeServer({
      config: { ...loadServeConfig(sharedDir), body_limit_bytes: 4096 },
      domains,
      state,
      gate,
      store,
      runner,
      metrics,
      env,
      log: (l) => logged.push(l),
    });
    port = await serve.listen(0, '127.0.0.1');
  }, 60_000);

  afterAll(async () => {
    await serve?.shutdown(1000);
    await api?.close();
    await state?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  async function waitFinished(): Promise<void> {
    for (let i = 0; i < 200 && serve.inFlight() > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(serve.inFlight()).toBe(0);
  }

  it('a correctly signed refund.requested runs the refunds skill: the domain is configuration plus a skill', async () => {
    api.push(reply([text('The policy allows it: refunds under AED 500 within 30 days.')], { input: 200, output: 40 }));
    const body = JSON.stringify({
      type: 'refund.requested',
      id: 'rf-first',
      data: { refund_id: 'rf-first', amount_aed: 120, customer_email: 'sara.customer@example.com', phone: '+971 50 123 4567' },
    });
    const answer = await post(port, '/webhooks/refunds', body, signed(body));
    expect(answer).toEqual({ status: 202, json: { accepted: true, domain: 'refunds', type: 'refund.requested' } });
    await waitFinished();
    const [t] = await store.list({ domain: 'refunds' });
    expect(t).toMatchObject({ domain: 'refunds', source: 'webhook', kind: 'refund.requested', dedupe_key: 'id:rf-first', outcome: 'done' });
    expect(t!.detail).toMatch(/^skill refund-check: execution /);
    // The skill ran under its domain's configuration: its instructions, the model of its role.
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.body.model).toBe('claude-haiku-4-5');
    expect(JSON.stringify(api.requests[0]!.body.system)).toContain('Refund check');
    expect(JSON.stringify(api.requests[0]!.body.messages)).toContain('rf-first');
    // What the sender sent is kept with personal data masked.
    const [stored] = await state.query(`SELECT payload::text AS payload FROM triggers WHERE dedupe_key = 'id:rf-first'`);
    expect(String(stored!.payload)).toContain('rf-first');
    expect(String(stored!.payload)).not.toContain('sara.customer@example.com');
    expect(String(stored!.payload)).not.toContain('123 4567');
  });

  it('refuses unsigned, forged, stale and replayed requests, records none of them as a trigger', async () => {
    const before = (await store.list()).length;
    const body = refundEvent();
    expect((await post(port, '/webhooks/refunds', body)).status).toBe(401);
    expect((await post(port, '/webhooks/refunds', body, { 'x-ecm-timestamp': String(nowSeconds()) })).status).toBe(401);
    // Signed with another secret; and a correct signature over a different body.
    expect((await post(port, '/webhooks/refunds', body, signed(body, nowSeconds(), 'not-the-secret'))).status).toBe(401);
    const tampered = body.replace('120', '99999');
    expect((await post(port, '/webhooks/refunds', tampered, signed(body))).status).toBe(401);
    // Stale: six minutes old, and six minutes in the future, each correctly signed.
    const old = nowSeconds() - 360;
    const stale = await post(port, '/webhooks/refunds', body, signed(body, old));
    expect(stale.status).toBe(401);
    expect(String(stale.json.error)).toMatch(/more than 300 s/);
    expect((await post(port, '/webhooks/refunds', body, signed(body, nowSeconds() + 360))).status).toBe(401);
    expect((await post(port, '/webhooks/refunds', body, { 'x-ecm-timestamp': 'yesterday', 'x-ecm-signature': 'v1=00' })).status).toBe(401);
    expect((await store.list()).length).toBe(before);

    // Replayed: the exact request accepted once is refused the second time, even concurrently.
    api.push(reply([text('Allowed.')]));
    const headers = signed(body);
    const attempts = await Promise.all(Array.from({ length: 5 }, () => post(port, '/webhooks/refunds', body, headers)));
    expect(attempts.map((a) => a.status).sort()).toEqual([202, 409, 409, 409, 409]);
    await waitFinished();
    expect((await store.list()).length).toBe(before + 1);
    const metricsText = (await get(port, '/metrics')).text;
    expect(metricsText).toMatch(/ecm_trigger_requests_rejected_total\{route="webhook",reason="replayed"\} 4/);
    expect(metricsText).toMatch(/ecm_trigger_requests_rejected_total\{route="webhook",reason="forged"\} 2/);
    expect(metricsText).toMatch(/ecm_trigger_requests_rejected_total\{route="webhook",reason="stale"\} 3/);
  });

  it('unknown domain 404, unknown event 422, oversized body 413, missing secret 503', async () => {
    const body = refundEvent();
    expect((await post(port, '/webhooks/payroll', body, signed(body))).status).toBe(404);
    const other = JSON.stringify({ type: 'refund.cancelled', data: {} });
    expect((await post(port, '/webhooks/refunds', other, signed(other))).status).toBe(422);
    const huge = JSON.stringify({ type: 'refund.requested', data: { note: 'x'.repeat(5000) } });
    expect((await post(port, '/webhooks/refunds', huge, signed(huge))).status).toBe(413);
    // ECM takes webhooks, but its secret (ECM_WEBHOOK_SECRET) is not set here: off, not open.
    const ecm = JSON.stringify({ type: 'backlog.recheck' });
    const off = await post(port, '/webhooks/ecm', ecm, signed(ecm));
    expect(off.status).toBe(503);
    expect(String(off.json.error)).toContain('ECM_WEBHOOK_SECRET');
  });

  it('a re-delivery with the same id starts nothing; the rate limit refuses the 4th in the window and records it', async () => {
    // Two admitted so far for refunds (limit 3 per 60 min): one more may run.
    api.push(reply([text('Allowed.')]));
    const first = refundEvent('rf-again');
    const sentAt = nowSeconds();
    expect((await post(port, '/webhooks/refunds', first, signed(first, sentAt))).status).toBe(202);
    await waitFinished();
    // The sender delivers the same event again, signed afresh (another timestamp, so not a replay).
    const again = await post(port, '/webhooks/refunds', first, signed(first, sentAt - 1));
    expect(again).toMatchObject({ status: 200, json: { accepted: false, code: 'duplicate' } });
    const fourth = refundEvent();
    const limited = await post(port, '/webhooks/refunds', fourth, signed(fourth));
    expect(limited).toMatchObject({ status: 429, json: { accepted: false, code: 'rate_limited' } });
    expect(String(limited.json.reason)).toContain('3 webhook trigger(s) per 60 min');
    const rows = await store.list({ domain: 'refunds' });
    expect(rows.map((r) => r.outcome)).toEqual(['done', 'done', 'done', 'duplicate', 'rate_limited']);
    expect(api.pending()).toBe(0);
    const metricsText = (await get(port, '/metrics')).text;
    expect(metricsText).toMatch(/ecm_triggers_total\{domain="refunds",source="webhook",outcome="rate_limited"\} 1/);
    expect(metricsText).toMatch(/ecm_triggers_total\{domain="refunds",source="webhook",outcome="done"\} 3/);
  });

  it('two replicas sharing the store: one admission per dedupe key, and never more than the rate limit, under concurrency', async () => {
    const second = await openStateDb({ env: { ECM_STATE_URL: withSchema(BASE!, schema) } });
    try {
      const spend = (db: StateDb) => (d: string | undefined, now: Date) =>
        d ? spentSince(db, d, startOfDay(now, 'Asia/Kolkata')) : spentSinceAllDomains(db, startOfDay(now, 'Asia/Kolkata'));
      const replicas = [state, second].map((db) =>
        createTriggerGate({ state: db as StateDb, domains, metrics: new ServeMetrics(), globalDailyBudgetUsd: 20, spentToday: spend(db) }),
      );
      // Twelve alerts at once, alternating between the replicas.
      const admitTwelve = (dedupeKey: (i: number) => string) =>
        Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            replicas[i % 2]!.admit({ domain: 'ecm', source: 'alertmanager', kind: 'stuck-backlog', dedupeKey: dedupeKey(i), detail: {} }),
          ),
        );
      const same = await admitTwelve(() => 'beef01@2026-11-30T00:00:00Z');
      expect(same.filter((a) => a.ok)).toHaveLength(1);
      expect(same.filter((a) => !a.ok && a.code === 'duplicate')).toHaveLength(11);
      // ecm allows 6 alertmanager triggers per 60 min; one is taken above.
      const many = await admitTwelve((i) => `cafe${i}@2026-11-30T00:00:00Z`);
      expect(many.filter((a) => a.ok)).toHaveLength(5);
      expect(many.filter((a) => !a.ok && a.code === 'rate_limited')).toHaveLength(7);
      for (const a of [...same, ...many]) if (a.ok) await a.finish('done', 'test');
      const rows = await store.list({ domain: 'ecm', source: 'alertmanager' });
      expect(rows.filter((r) => r.outcome === 'done')).toHaveLength(6);
      expect(rows.filter((r) => r.outcome === 'running')).toHaveLength(0);
    } finally {
      await second.close();
    }
  });

  it('shutdown past its drain bound records the unfinished trigger as interrupted, and refuses new requests meanwhile', async () => {
    const spend = (d: string | undefined, now: Date) =>
      d ? spentSince(state, d, startOfDay(now, 'Asia/Kolkata')) : spentSinceAllDomains(state, startOfDay(now, 'Asia/Kolkata'));
    const gate = createTriggerGate({ state, domains, metrics: new ServeMetrics(), globalDailyBudgetUsd: 20, spentToday: spend });
    const env = { ECM_WEBHOOK_SECRET: 'drain-secret' };
    // A run that never ends, standing in for a triage stuck on a slow warehouse.
    const stuck = createServeServer({
      config: loadServeConfig(defaultSharedDir()),
      domains,
      state,
      gate,
      store,
      runner: { run: () => new Promise(() => undefined) },
      metrics: new ServeMetrics(),
      env,
      log: () => undefined,
    });
    const p = await stuck.listen(0, '127.0.0.1');
    const body = JSON.stringify({ type: 'backlog.recheck', id: 'never-ends' });
    expect((await post(p, '/webhooks/ecm', body, signed(body, nowSeconds(), 'drain-secret'))).status).toBe(202);
    const stopping = stuck.shutdown(300);
    const started = Date.now();
    const result = await stopping;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toEqual({ drained: 0, interrupted: 1 });
    const [row] = (await store.list({ domain: 'ecm', source: 'webhook' })).filter((r) => r.dedupe_key === 'id:never-ends');
    expect(row).toMatchObject({ outcome: 'failed' });
    expect(row!.detail).toMatch(/^interrupted: the service stopped/);
    await expect(post(p, '/webhooks/ecm', body, signed(body, nowSeconds(), 'drain-secret'))).rejects.toThrow(/ECONNREFUSED/);
  });

  it("a domain's cron job starts once per due minute in its own time zone, however many ticks or replicas", async () => {
    api.push(reply([text('Swept: nothing pending.')]));
    const replicas = [0, 1].map(() =>
      createCronTriggers({ domains, gate: mainGate, start: serve.runAdmitted, log: (l) => logged.push(l) }),
    );
    const due = new Date('2026-11-30T22:30:05Z'); // 02:30 on 1 December in Asia/Dubai
    expect(await replicas[0]!.tick(due)).toBe(1);
    expect(await replicas[1]!.tick(new Date(due.getTime() + 20_000))).toBe(0);
    expect(await replicas[0]!.tick(new Date('2026-11-30T22:31:00Z'))).toBe(0);
    expect(await replicas[0]!.tick(new Date('2026-11-30T02:30:00Z'))).toBe(0); // 02:30 UTC is 06:30 in Dubai
    await waitFinished();
    const rows = await store.list({ domain: 'refunds', source: 'cron' });
    expect(rows.map((r) => [r.kind, r.dedupe_key, r.outcome])).toEqual([
      ['nightly-sweep', 'nightly-sweep@2026-12-01T02:30', 'done'],
      ['nightly-sweep', 'nightly-sweep@2026-12-01T02:30', 'duplicate'],
    ]);
  });

  it('a domain over its daily LLM budget, and all domains over the global budget, are refused and recorded', async () => {
    // What the skills spent today, as the agent runtime records it.
    await state.query(
      `INSERT INTO skill_executions (id, trace_id, domain, skill, role, model, input_summary, outcome, cost_usd, created_at)
       SELECT 'spent-' || d, 't', d, 'refund-check', 'field', 'claude-haiku-4-5', '{}', 'success', c, now() FROM (VALUES ('refunds', 1.5), ('payroll', 19)) AS v(d, c)`,
    );
    const gateNow = createTriggerGate({
      state,
      domains,
      metrics,
      globalDailyBudgetUsd: 20,
      spentToday: (d, now) =>
        d ? spentSince(state, d, startOfDay(now, 'Asia/Kolkata')) : spentSinceAllDomains(state, startOfDay(now, 'Asia/Kolkata')),
    });
    const refunds = await gateNow.admit({ domain: 'refunds', source: 'alertmanager', kind: 'refund-queue', detail: {} });
    expect(refunds).toMatchObject({ ok: false, code: 'over_budget' });
    expect((refunds as { reason: string }).reason).toMatch(/domain refunds's daily LLM budget spent: \$1\.50 of \$1\.00/);
    const ecm = await gateNow.admit({ domain: 'ecm', source: 'slack', kind: 'mention', detail: {} });
    expect(ecm).toMatchObject({ ok: false, code: 'over_budget' });
    expect((ecm as { reason: string }).reason).toMatch(/global daily LLM budget spent: \$20\.\d\d of \$20\.00/);
    const recorded = (await store.list()).filter((r) => r.outcome === 'over_budget');
    expect(recorded.map((r) => [r.domain, r.source])).toEqual([
      ['refunds', 'alertmanager'],
      ['ecm', 'slack'],
    ]);
    expect(await gateNow.admit({ domain: 'nowhere', source: 'slack', kind: 'mention', detail: {} })).toMatchObject({
      ok: false,
      code: 'unknown_domain',
    });
  });
});
