import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSharedDir } from '@ecm/core/domain';
import { reply, startFakeMessagesApi, text, type FakeMessagesApi } from '../../../agent/src/__fixtures__/fake-messages-api.js';
import { signWebhook } from './webhook-signature.js';
import { seededSchemaUrl, ownDatabaseUrl, stateWithAgentPerTeam } from '../__fixtures__/pg-schema-url.js';
import { freePort } from '../../../core/src/__fixtures__/free-port.js';

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) fires at a real `ecm-manager serve` process:
 * alerts posted to Alertmanager's API reach the service through its webhook receiver, start one run per
 * firing, re-sent notifications start nothing, resolutions are recorded, and SIGTERM drains.
 */

const SERVER = process.env.ECM_TEST_PG_URL;
/** This file's own database on the test server (set in beforeAll). */
let BASE: string | undefined;
const CLI = fileURLToPath(new URL('../../bin/ecm-manager.js', import.meta.url));
const FIXTURE_DOMAINS = fileURLToPath(new URL('./__fixtures__/domains', import.meta.url));
const ALERTMANAGER = ['prometheus-alertmanager', 'alertmanager'].find((bin) => spawnSync(bin, ['--version']).status === 0);
const TOKEN = 'test-alertmanager-token';
const ECM_SECRET = 'test-ecm-webhook-secret';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!ALERTMANAGER && process.env.CI)
  throw new Error('prometheus-alertmanager is not installed: .ci/run installs it (apt-get install prometheus-alertmanager)');
if (!ALERTMANAGER) console.warn('serve-alertmanager.test.ts skipped: install prometheus-alertmanager (Debian package) to run it');

function http(
  port: number,
  method: string,
  pathName: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: pathName, method, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let raw = '';
        res.on('data', (c: Buffer) => (raw += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: raw }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

function watchStderr(child: ChildProcess): { text(): string } {
  let text = '';
  child.stderr!.on('data', (c: Buffer) => (text += String(c)));
  return { text: () => text };
}

describe.skipIf(!SERVER || !ALERTMANAGER)('ecm-manager serve behind a real Alertmanager', () => {
  const schema = `ecm_am_${process.pid}`;
  let admin: pg.Client;
  let db: pg.Client;
  let home: string;
  let api: FakeMessagesApi;
  let serve: ChildProcess;
  let serveLog: { text(): string };
  let alertmanager: ChildProcess;
  let amLog: { text(): string };
  let servePort: number;
  let amPort: number;
  let serveExit: Promise<number | null>;

  const triggers = async () =>
    (
      await db.query<{
        domain: string;
        source: string;
        kind: string;
        dedupe_key: string | null;
        outcome: string;
        detail: string | null;
        resolved_at: Date | null;
      }>('SELECT domain, source, kind, dedupe_key, outcome, detail, resolved_at FROM triggers ORDER BY id')
    ).rows;

  beforeAll(async () => {
    BASE = await ownDatabaseUrl(SERVER!, 'serve_alertmanager');
    admin = new pg.Client({ connectionString: BASE });
    await admin.connect();
    const url = await seededSchemaUrl(admin, BASE!, schema, { seed: 5, orders: 2_000, asOf: new Date() });
    db = new pg.Client({ connectionString: url });
    await db.connect();
    await stateWithAgentPerTeam(db);
    // Every model call (the refunds skill, the manager's insights) gets a short answer.
    api = await startFakeMessagesApi(Array.from({ length: 200 }, () => () => reply([text('Checked: nothing to add.')])));

    home = mkdtempSync(path.join(os.tmpdir(), 'ecm-serve-'));
    servePort = await freePort();
    amPort = await freePort();
    serve = spawn(process.execPath, [CLI, 'serve', '--port', String(servePort)], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        ECM_HOME: home,
        ECM_STATE_URL: url,
        ECM_WAREHOUSE_URL: url,
        ECM_DOMAINS_DIR: [path.join(defaultSharedDir(), 'domains'), FIXTURE_DOMAINS].join(path.delimiter),
        ALERTMANAGER_WEBHOOK_TOKEN: TOKEN,
        ECM_WEBHOOK_SECRET: ECM_SECRET,
        REFUNDS_WEBHOOK_SECRET: 'unused-here',
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: api.url,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    serveLog = watchStderr(serve);
    serveExit = new Promise((resolve) => serve.on('exit', (code) => resolve(code)));
    await until('the service to listen', async () => serveLog.text().includes('serve: listening on'), 20_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${serveLog.text()}`);
    });

    const config = path.join(home, 'alertmanager.yml');
    writeFileSync(
      config,
      `route:
  receiver: ecm-serve
  group_by: [alertname]
  group_wait: 500ms
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: ecm-serve
    webhook_configs:
      - url: http://127.0.0.1:${servePort}/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization: { credentials: ${TOKEN} }
`,
    );
    alertmanager = spawn(
      ALERTMANAGER!,
      [
        `--config.file=${config}`,
        `--storage.path=${path.join(home, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    amLog = watchStderr(alertmanager);
    await until('Alertmanager to be ready', async () => (await http(amPort, 'GET', '/-/ready')).status === 200, 10_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${amLog.text()}`);
      },
    );
  }, 90_000);

  afterAll(async () => {
    alertmanager?.kill('SIGTERM');
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    await api?.close();
    await db?.end();
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const startsAt = new Date(Date.now() - 60_000).toISOString();
  const alert = (labels: Record<string, string>, endsAt?: string) => ({
    labels,
    annotations: { summary: 'test alert' },
    startsAt,
    ...(endsAt ? { endsAt } : {}),
    generatorURL: 'http://prometheus.example.com/graph',
  });
  const stuck = { alertname: 'EcmStuckBacklogHigh', severity: 'warning' };
  const refunds = { alertname: 'RefundQueueGrowing', team: 'payments' };
  const unrelated = { alertname: 'DiskAlmostFull', team: 'infra' };

  it('alerts fired through Alertmanager start one run per firing, routed by configuration; re-sends start nothing; resolutions are recorded', async () => {
    const posted = await http(amPort, 'POST', '/api/v2/alerts', JSON.stringify([alert(stuck), alert(refunds), alert(unrelated)]));
    expect(posted.status).toBe(200);

    // The ad-hoc triage finishes, and Alertmanager has re-sent the still-firing alert at least twice.
    const done = await until(
      'the triage to finish and re-sent notifications',
      async () => {
        const rows = await triggers();
        const ecm = rows.filter((r) => r.domain === 'ecm');
        return ecm.some((r) => r.outcome === 'done') &&
          ecm.filter((r) => r.outcome === 'duplicate').length >= 2 &&
          rows.some((r) => r.domain === 'refunds' && r.outcome === 'done')
          ? rows
          : null;
      },
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${serveLog.text().slice(-3000)}`);
    });
    const ecm = done.filter((r) => r.domain === 'ecm');
    const started = ecm.filter((r) => r.outcome !== 'duplicate');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ source: 'alertmanager', kind: 'stuck-backlog', outcome: 'done' });
    expect(started[0]!.detail).toMatch(/^triage succeeded \(triage:/);
    expect(started[0]!.dedupe_key).toMatch(new RegExp(`^[0-9a-f]+@${startsAt.replace(/\./g, '\\.')}$`));
    expect(ecm.every((r) => r.dedupe_key === started[0]!.dedupe_key)).toBe(true);
    // One triage run in the manager's run records, however often the alert was sent.
    const runs = (await db.query<{ run_key: string; status: string }>(`SELECT run_key, status FROM runs WHERE phase = 'triage'`)).rows;
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('succeeded');
    // The second domain, by its configuration alone: its label matchers, its skill.
    const refundRows = done.filter((r) => r.domain === 'refunds' && r.outcome !== 'duplicate');
    expect(refundRows).toHaveLength(1);
    expect(refundRows[0]).toMatchObject({ source: 'alertmanager', kind: 'refund-queue', outcome: 'done' });
    expect(refundRows[0]!.detail).toMatch(/^skill refund-check: execution /);
    // The unrelated alert reached no domain.
    expect(done.some((r) => r.kind.includes('Disk'))).toBe(false);

    // Resolved: Alertmanager sends the resolution; it is recorded on the trigger it started.
    const now = new Date().toISOString();
    expect((await http(amPort, 'POST', '/api/v2/alerts', JSON.stringify([alert(stuck, now), alert(refunds, now)]))).status).toBe(200);
    await until(
      'the resolutions',
      async () => (await triggers()).filter((r) => r.outcome === 'done' && r.resolved_at !== null).length === 2,
      10_000,
    );

    const metrics = await http(servePort, 'GET', '/metrics');
    expect(metrics.text).toMatch(/ecm_triggers_total\{domain="ecm",source="alertmanager",outcome="done"\} 1\n/);
    expect(metrics.text).toMatch(/ecm_triggers_total\{domain="ecm",source="alertmanager",outcome="duplicate"\} [2-9]/);
    expect(metrics.text).toMatch(/ecm_alert_resolutions_total\{domain="ecm"\} 1\n/);
    expect(metrics.text).toMatch(/ecm_trigger_requests_rejected_total\{route="alertmanager",reason="unrouted"\} [1-9]/);
    const health = JSON.parse((await http(servePort, 'GET', '/health')).text) as { ok: boolean; domains: string[]; state_store: string };
    expect(health).toMatchObject({ ok: true, domains: ['ecm', 'refunds'], state_store: 'reachable' });
  }, 40_000);

  it('refuses an Alertmanager payload without the bearer token, and a payload that is not Alertmanager’s', async () => {
    const payload = JSON.stringify({
      version: '4',
      groupKey: 'x',
      status: 'firing',
      receiver: 'r',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      alerts: [{ status: 'firing', labels: stuck, annotations: {}, startsAt: new Date().toISOString(), fingerprint: 'abc123' }],
    });
    expect((await http(servePort, 'POST', '/alerts/alertmanager', payload)).status).toBe(401);
    expect((await http(servePort, 'POST', '/alerts/alertmanager', payload, { authorization: 'Bearer wrong' })).status).toBe(401);
    const bad = await http(servePort, 'POST', '/alerts/alertmanager', JSON.stringify({ version: '4', alerts: 'none' }), {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('not an Alertmanager webhook payload');
  });

  it('SIGTERM: stops accepting, lets the running triage finish, closes the stores and exits 0', async () => {
    const body = JSON.stringify({ type: 'backlog.recheck', id: 'drain-1' });
    const at = Math.floor(Date.now() / 1000);
    const accepted = await http(servePort, 'POST', '/webhooks/ecm', body, {
      'x-ecm-timestamp': String(at),
      'x-ecm-signature': signWebhook(ECM_SECRET, at, body),
    });
    expect(accepted.status).toBe(202);
    serve.kill('SIGTERM');
    // While draining, nothing new is taken.
    const during = await http(servePort, 'GET', '/health').catch(() => ({ status: 0, text: '' }));
    expect([0, 503]).toContain(during.status);
    const code = await Promise.race([serveExit, sleep(28_000).then(() => 'still running')]);
    expect(code).toBe(0);
    const drained = (await triggers()).filter((r) => r.source === 'webhook' && r.dedupe_key === 'id:drain-1');
    expect(drained).toHaveLength(1);
    expect(drained[0]).toMatchObject({ domain: 'ecm', kind: 'backlog.recheck', outcome: 'done' });
    expect(serveLog.text()).toMatch(/serve: stopped \(1 finished, 0 interrupted\)/);
  }, 35_000);
});
