import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openStateDb, openTicketStore } from '@ecm/core/stores';
import { runTriage } from '@ecm/core/domain';
import { openWarehouse } from '@ecm/core/warehouse';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOk, callTool } from './__fixtures__/call-tool.js';
import { seedDemoHome } from '../../core/src/demo/__fixtures__/demo-templates.js';
import {
  conformanceCli,
  gatewayBin,
  gatewayEnv,
  inspectorCall,
  startHttpGatewayProcess,
  type HttpGatewayProcess,
} from './__fixtures__/gateway-process.js';
import { config, sharedDir, TEST_AS_OF } from './__fixtures__/test-warehouse.js';

// The general tools and the field tools (src/tools/field-tools.ts).
const GATEWAY_TOOL_COUNT = 11 + 12;

const AS_OF = TEST_AS_OF.toISOString();
const ALICE = 'alice.agent@example.com';
const BOB = 'bob.agent@example.com';
const ALICE_TOKEN = 'alice-token-0123456789abcdef';
const BOB_TOKEN = 'bob-token-0123456789abcdef00';
const READER_TOKEN = 'reader-token-0123456789abcdef';

let home: string;
let orderId: string;
let aliceOrder: string;
let bobOrder: string;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-gateway-bin-'));
  const env = gatewayEnv(home);
  // The demo warehouse the binary opens from ECM_HOME (dist/ is built by the global setup).
  await seedDemoHome(home, { orders: 3_000, seed: 5, asOf: TEST_AS_OF, stuckScale: 3 });
  const warehouse = await openWarehouse({ sharedDir, env });
  const triage = await runTriage(warehouse, config, { asOf: TEST_AS_OF });
  await warehouse.close();
  const actionable = triage.orders.filter((o) => o.actionable);
  orderId = actionable[0]!.order_id;
  aliceOrder = actionable[1]!.order_id;
  bobOrder = actionable[2]!.order_id;
  const state = await openStateDb({ env });
  const store = await openTicketStore(state, env);
  await store.upsertAgents([
    { email: ALICE, name: 'Alice Agent', team: 'Ops', slack_handle: null, active: true, max_tickets: 10, role: 'agent' },
    { email: BOB, name: 'Bob Agent', team: 'Ops', slack_handle: null, active: true, max_tickets: 10, role: 'agent' },
  ]);
  const at = new Date().toISOString();
  const base = {
    assigned_at: at,
    updated_at: at,
    status: 'OPEN',
    priority: 'P2',
    currency: 'AED',
    amount: 900,
    hours_stuck: 20,
    diagnosis: 'refund_pending',
    notes: 'n',
  } as const;
  await store.createTickets([
    { ...base, order_id: aliceOrder, agent_email: ALICE },
    { ...base, order_id: bobOrder, agent_email: BOB },
  ]);
  await state.close();
}, 180_000);

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the built binary over stdio', () => {
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [gatewayBin, '--as-of', AS_OF, '--agent', ALICE],
      env: gatewayEnv(home),
      stderr: 'pipe',
    });
    transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'ecm-test', version: '0.0.0' });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
  });

  it('prints its usage and version', () => {
    const help = spawnSync(process.execPath, [gatewayBin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/ecm-gateway --http \[--port 8765\]/);
    expect(help.stdout).toMatch(/Exit codes: 0 ok, 1 failed .* 3 bad configuration or usage/s);
    const bad = spawnSync(process.execPath, [gatewayBin, '--no-such-flag'], { encoding: 'utf8' });
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/no-such-flag.*run ecm-gateway --help/);
    const version = spawnSync(process.execPath, [gatewayBin, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('lists the tools and answers them, keeping stdout for the protocol and logging JSON to stderr', async () => {
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(GATEWAY_TOOL_COUNT);
    const d = await callOk<{ order_id: string; diagnosis: { stuck_reason: string } | null }>(client, 'ecm_order_details', {
      order_id: orderId,
    });
    expect(d.order_id).toBe(orderId);
    expect(d.diagnosis).not.toBeNull();
    const r = await callTool(client, 'warehouse_query', { sql: 'DROP TABLE orders_goms' });
    expect(r).toMatchObject({ isError: true });
    const lines = stderr.trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('tool call');
  });

  it('acts for the agent given with --agent', async () => {
    const mine = await callOk<{ tickets: { order_id: string }[] }>(client, 'tickets_list');
    expect(mine.tickets.map((t) => t.order_id)).toEqual([aliceOrder]);
  });
});

describe('the built binary over HTTP', () => {
  let gw: HttpGatewayProcess;

  const connectHttp = async (url: string, token?: string) => {
    const client = new Client({ name: 'ecm-test', version: '0.0.0' });
    const transport = new StreamableHTTPClientTransport(
      new URL(url),
      token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {},
    );
    await client.connect(transport);
    return client;
  };

  beforeAll(async () => {
    gw = await startHttpGatewayProcess(
      ['--as-of', AS_OF],
      // It hands the embedded stores over soon after a call: the start-up checks below wait for them.
      gatewayEnv(home, {
        ECM_GATEWAY_TOKEN: `${ALICE}:${ALICE_TOKEN},${BOB}:${BOB_TOKEN} ${READER_TOKEN}`,
        ECM_GATEWAY_HAND_OVER_SECONDS: '0.5',
      }),
    );
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('answers /health without a token', async () => {
    const res = await fetch(`${gw.base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', name: 'ecm-gateway', tools: GATEWAY_TOOL_COUNT });
  });

  it('requires a token and refuses a wrong one', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    expect((await fetch(gw.url, { method: 'POST', headers, body })).status).toBe(401);
    expect(
      (await fetch(gw.url, { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong-token-0123456789abcdef' }, body })).status,
    ).toBe(401);
    expect((await fetch(gw.url, { method: 'POST', headers: { ...headers, authorization: `Basic ${ALICE_TOKEN}` }, body })).status).toBe(
      401,
    );
    await expect(connectHttp(gw.url)).rejects.toThrow();
    await expect(connectHttp(gw.url, 'wrong-token-0123456789abcdef')).rejects.toThrow(/invalid_token|401/);
  });

  it('refuses a foreign Host header (DNS rebinding) before anything else', async () => {
    // fetch may not set Host; node:http may.
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const u = new URL(gw.url);
        const req = request(
          {
            host: u.hostname,
            port: u.port,
            path: u.pathname,
            method: 'POST',
            headers: {
              host,
              authorization: `Bearer ${ALICE_TOKEN}`,
              'content-type': 'application/json',
              accept: 'application/json, text/event-stream',
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
      });
    expect(await status('evil.example.com')).toBe(403);
    expect(await status(`localhost:${new URL(gw.url).port}`)).toBe(200);
  });

  describe('HTTP hardening', () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const auth = { ...headers, authorization: `Bearer ${ALICE_TOKEN}` };
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    /** No stack trace, no file path, no framework banner: only a JSON error. */
    const expectCleanJson = async (res: Response) => {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('x-powered-by')).toBeNull();
      const text = await res.text();
      expect(() => JSON.parse(text)).not.toThrow();
      expect(text).not.toMatch(/node_modules|\/work\/|at [\w.]+ \(|<html|<pre>/i);
      return JSON.parse(text) as Record<string, unknown>;
    };

    it('answers a foreign Origin with 403, and loopback or absent Origins normally', async () => {
      const foreign = await fetch(gw.url, { method: 'POST', headers: { ...auth, origin: 'https://evil.example.com' }, body: ping });
      expect(foreign.status).toBe(403);
      await expectCleanJson(foreign);
      expect((await fetch(gw.url, { method: 'POST', headers: { ...auth, origin: 'http://localhost:3000' }, body: ping })).status).toBe(200);
      expect((await fetch(gw.url, { method: 'POST', headers: auth, body: ping })).status).toBe(200);
      expect((await fetch(`${gw.base}/health`, { headers: { origin: 'http://evil.example.com' } })).status).toBe(403);
    });

    it('authenticates before reading the body: garbage without a token gets 401 JSON', async () => {
      const res = await fetch(gw.url, { method: 'POST', headers, body: '{"jsonrpc": "2.0", garbage' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await expectCleanJson(res)).toMatchObject({ error: 'invalid_token' });
      const huge = await fetch(gw.url, { method: 'POST', headers, body: 'x'.repeat(2_000_000) });
      expect(huge.status).toBe(401);
    });

    it('answers malformed and oversized bodies with a JSON error, without a stack trace', async () => {
      const malformed = await fetch(gw.url, { method: 'POST', headers: auth, body: '{"jsonrpc": "2.0", garbage' });
      expect(malformed.status).toBe(400);
      expect(await expectCleanJson(malformed)).toMatchObject({ error: { code: -32700 } });
      const big = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'warehouse_query', arguments: { sql: `SELECT '${'x'.repeat(300_000)}'` } },
      });
      const oversized = await fetch(gw.url, { method: 'POST', headers: auth, body: big });
      expect(oversized.status).toBe(413);
      await expectCleanJson(oversized);
      const missing = await fetch(`${gw.base}/no-such-path`);
      expect(missing.status).toBe(404);
      await expectCleanJson(missing);
    });

    it('sends no X-Powered-By header', async () => {
      const health = await fetch(`${gw.base}/health`);
      expect(health.headers.get('x-powered-by')).toBeNull();
      const ok = await fetch(gw.url, { method: 'POST', headers: auth, body: ping });
      expect(ok.headers.get('x-powered-by')).toBeNull();
    });

    it('refuses a JSON-RPC batch: one tool call per HTTP request', async () => {
      const call = (id: number) => ({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'warehouse_query', arguments: { sql: 'SELECT 1 AS n' } },
      });
      const res = await fetch(gw.url, { method: 'POST', headers: auth, body: JSON.stringify([call(1), call(2)]) });
      expect(res.status).toBe(400);
      const body = await expectCleanJson(res);
      expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
      expect(JSON.stringify(body)).toMatch(/one JSON-RPC message per HTTP request/);
    });
  });

  it("serves the tools with a valid token and acts for the token's subject", async () => {
    const alice = await connectHttp(gw.url, ALICE_TOKEN);
    const d = await callOk<{ order_id: string }>(alice, 'ecm_order_details', { order_id: orderId });
    expect(d.order_id).toBe(orderId);
    expect((await callOk<{ tickets: { order_id: string }[] }>(alice, 'tickets_list')).tickets.map((t) => t.order_id)).toEqual([aliceOrder]);
    const other = await callTool(alice, 'tickets_update', { order_id: bobOrder, action: 'start' });
    expect(other.text).toMatch(/assigned to bob\.agent@example\.com/);
    const own = await callOk<{ ticket: { status: string } }>(alice, 'tickets_update', { order_id: aliceOrder, action: 'start' });
    expect(own.ticket.status).toBe('IN_PROGRESS');
    await alice.close();

    const bob = await connectHttp(gw.url, BOB_TOKEN);
    expect((await callOk<{ tickets: { order_id: string }[] }>(bob, 'tickets_list')).tickets.map((t) => t.order_id)).toEqual([bobOrder]);
    await bob.close();

    const reader = await connectHttp(gw.url, READER_TOKEN);
    expect((await callTool(reader, 'tickets_update', { order_id: bobOrder, action: 'start' })).text).toMatch(/names no agent/);
    expect((await callOk<{ total: number }>(reader, 'tickets_list', { agent: 'all' })).total).toBe(2);
    await reader.close();
  });

  it('refuses to start on a non-loopback host without a token, and with a short token', () => {
    const open = spawnSync(process.execPath, [gatewayBin, '--http', '--host', '0.0.0.0', '--port', '0'], {
      env: gatewayEnv(home),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(open.status).toBe(1);
    expect(open.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0 without ECM_GATEWAY_TOKEN/);
    const short = spawnSync(process.execPath, [gatewayBin, '--http', '--port', '0'], {
      env: gatewayEnv(home, { ECM_GATEWAY_TOKEN: 'short' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/shorter than 16 characters/);
  });

  it.each(['ECM_GATEWAY_HAND_OVER_SECONDS', 'ECM_LOCK_WAIT_SECONDS'])(
    'refuses to start with %s that is not a number of seconds (exit 3)',
    (name) => {
      const bad = spawnSync(process.execPath, [gatewayBin, '--http', '--port', '0'], {
        env: gatewayEnv(home, { [name]: '5s' }),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(bad.status).toBe(3);
      expect(bad.stderr).toContain(`ecm-gateway: ${name}: expected a number of seconds from 0 to 3600, got "5s"`);
    },
  );
});

const inspector = (args: readonly string[]) => inspectorCall(home, args);

describe('the MCP Inspector (CLI mode) as a client', () => {
  let gw: HttpGatewayProcess;
  beforeAll(async () => {
    gw = await startHttpGatewayProcess(['--as-of', AS_OF], gatewayEnv(home, { ECM_GATEWAY_TOKEN: READER_TOKEN }));
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const stdioTarget = [process.execPath, gatewayBin, '--as-of', AS_OF];
  const httpTarget = () => [gw.url, '--transport', 'http', '--header', `Authorization: Bearer ${READER_TOKEN}`];

  for (const [name, target] of [
    ['stdio', () => stdioTarget],
    ['HTTP', httpTarget],
  ] as const) {
    it(`lists the tools over ${name}`, async () => {
      const out = (await inspector([...target(), '--method', 'tools/list'])) as { tools: { name: string; outputSchema?: unknown }[] };
      expect(out.tools.map((t) => t.name)).toContain('ecm_order_details');
      expect(out.tools).toHaveLength(GATEWAY_TOOL_COUNT);
      expect(out.tools.every((t) => t.outputSchema)).toBe(true);
    });

    it(`calls ecm_order_details over ${name}`, async () => {
      // Two client processes of their own: they run side by side.
      const call = (id: string) =>
        inspector([...target(), '--method', 'tools/call', '--tool-name', 'ecm_order_details', '--tool-arg', `order_id=${id}`]);
      const [out, unknown] = (await Promise.all([call(orderId), call('ORD-NOPE')])) as [
        { isError?: boolean; structuredContent: { order_id: string; diagnosis: unknown } },
        { isError?: boolean },
      ];
      expect(out.isError ?? false).toBe(false);
      expect(out.structuredContent.order_id).toBe(orderId);
      expect(out.structuredContent.diagnosis).not.toBeNull();
      expect(unknown.isError).toBe(true);
    });
  }
});

describe('the MCP conformance suite against the HTTP server', () => {
  let gw: HttpGatewayProcess;
  beforeAll(async () => {
    // No token: the suite's client sends none; on loopback the gateway then relies on DNS-rebinding protection.
    gw = await startHttpGatewayProcess(['--as-of', AS_OF], gatewayEnv(home));
  });
  afterAll(async () => {
    await gw?.stop();
  });

  /** One scenario of the suite, as its own process (the exit status is part of the verdict). */
  const conformance = (scenario: string) =>
    new Promise<{ status: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [conformanceCli, 'server', '--url', gw.url, '--scenario', scenario], {
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, output: `${stdout}\n${stderr}` }));
    });

  // Each scenario opens its own sessions: they run side by side against the one server.
  for (const scenario of ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection']) {
    it.concurrent(`passes ${scenario}`, async ({ expect }) => {
      const { status, output } = await conformance(scenario);
      expect(status, output).toBe(0);
      const passed = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(output);
      expect(passed, output).not.toBeNull();
      expect(passed![1]).toBe(passed![2]);
      expect(passed![3]).toBe('0');
      expect(Number(passed![2])).toBeGreaterThan(0);
    });
  }
});
