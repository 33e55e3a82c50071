#!/usr/bin/env node
// Benchmark `gateway`: the built `ecm-gateway` as its own process, answering `ecm_order_details`
// (one order across every system, its diagnosis and score) the way an MCP client calls it:
//   - latency (p50/p99) of one client calling in a loop, over stdio and over Streamable HTTP;
//   - calls per second with 20 concurrent HTTP clients on loopback;
//   - the hostile corpus (packages/gateway/src/__fixtures__/attack-corpus.ts: SQL-text executors,
//     catalogs, locks, memory and temp-file bombs, quoting differentials, plus the bounded huge
//     results) through warehouse_query over HTTP: p50/p99 latency and the gateway's peak RSS
//     (target ≤ 400 MB), every statement refused or answered within the caps.
// On the 150k-order demo warehouse (PGlite) and, with ECM_BENCH_PG_URL, on PostgreSQL (1M orders).
// Every loop is bounded in calls and in seconds. Targets on PostgreSQL: p50 < 15 ms, p99 < 50 ms,
// at least 200 calls/s with 20 clients.
//
//   node bench/gateway.mjs [--orders 150000] [--pg-orders 1000000] [--calls 400] [--seconds 10] [--clients 20]
//
// Prints one JSON line per measurement on stdout; progress goes to stderr. Needs the built gateway
// (`npx tsc -b packages/gateway`).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const GATEWAY = path.join(here, '..', 'packages', 'gateway', 'bin', 'ecm-gateway.js');
const SDK = path.join(here, '..', 'packages', 'gateway', 'node_modules', '@modelcontextprotocol', 'sdk', 'dist', 'esm');
const SHARED = path.join(here, '..', 'shared');
if (!existsSync(path.join(here, '..', 'packages', 'gateway', 'dist', 'cli.js'))) {
  console.error('packages/gateway is not built: run `npx tsc -b packages/gateway` (or `pnpm bench`, which builds first)');
  process.exit(2);
}
const { Client } = await import(path.join(SDK, 'client', 'index.js'));
const { StdioClientTransport } = await import(path.join(SDK, 'client', 'stdio.js'));
const { StreamableHTTPClientTransport } = await import(path.join(SDK, 'client', 'streamableHttp.js'));
const { AS_OF, prepareWarehouse } = await import('./seeded-warehouse.mjs');

const { values: opts } = parseArgs({
  options: {
    orders: { type: 'string', default: '150000' },
    'pg-orders': { type: 'string', default: '1000000' },
    calls: { type: 'string', default: '400' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '20' },
  },
  strict: false, // bench/run.mjs passes every option to every module
});
const CALLS = Number(opts.calls);
const SECONDS = Number(opts.seconds);
const CLIENTS = Number(opts.clients);
const TOKEN = `bench-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
const TARGET = { p50_ms_below: 15, p99_ms_below: 50, calls_per_s_at_least: 200 };
/** Concurrent run: at most this many calls in all, whatever the time limit. */
const MAX_CONCURRENT_CALLS = 20_000;

const progress = (line) => process.stderr.write(`[gateway] ${line}\n`);
const round2 = (n) => Math.round(n * 100) / 100;
function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
}

/** A fresh ECM_HOME for the gateway: a copy of the cached PGlite seed, or the PostgreSQL schema's URL. */
function gatewayHome(location, orders) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-bench-gateway-'));
  const env = { PATH: process.env.PATH, HOME: home, ECM_HOME: home, ECM_GATEWAY_TOKEN: TOKEN };
  if (location.dataDir) {
    mkdirSync(path.join(home, 'warehouse'));
    cpSync(location.dataDir, path.join(home, 'warehouse', 'pgdata'), { recursive: true });
    writeFileSync(
      path.join(home, 'warehouse', 'demo.json'),
      JSON.stringify({ seed: 42, orders, days: 30, as_of: AS_OF.toISOString(), seeded_at: new Date().toISOString() }),
    );
  } else env.ECM_WAREHOUSE_URL = location.url;
  return { env, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

function startHttp(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GATEWAY, '--http', '--port', '0', '--as-of', AS_OF.toISOString()], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the gateway did not start: ${err}`)), 60_000);
    const onData = (c) => {
      err += c;
      const m = /"url":"(http:\/\/[^"]+)"/.exec(err);
      if (!m) return;
      // Found the port; from now on the log lines are only drained.
      child.stderr.off('data', onData);
      child.stderr.resume();
      clearTimeout(timer);
      resolve({ child, url: m[1] });
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the gateway exited ${code}: ${err}`)));
  });
}

async function httpClient(url) {
  const client = new Client({ name: 'ecm-bench', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
  return client;
}

/** Calls ecm_order_details for each id in turn; returns the latencies in ms and the error count. */
async function callLoop(client, ids, { calls, deadline }) {
  const latencies = [];
  let errors = 0;
  for (let i = 0; i < calls && performance.now() < deadline; i++) {
    const started = performance.now();
    const r = await client.callTool({ name: 'ecm_order_details', arguments: { order_id: ids[i % ids.length] } });
    latencies.push(performance.now() - started);
    if (r.isError) errors++;
  }
  return { latencies, errors };
}

/** Orders to ask about: stuck ones of every kind (this also warms the gateway's triage). */
async function sampleOrders(client) {
  const r = await client.callTool({ name: 'ecm_stuck_orders', arguments: { scope: 'all', limit: 500 } });
  if (r.isError) throw new Error(`ecm_stuck_orders failed: ${r.content?.[0]?.text}`);
  return r.structuredContent.orders.map((o) => o.order_id);
}

/** The attack corpus is TypeScript (a test fixture): transpiled on the fly with the repository's compiler. */
async function hostileCorpus() {
  const ts = (await import(path.join(here, '..', 'node_modules', 'typescript', 'lib', 'typescript.js'))).default;
  const source = readFileSync(path.join(here, '..', 'packages', 'gateway', 'src', '__fixtures__', 'attack-corpus.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
  return [...mod.ATTACKS, ...mod.BOUNDED];
}

// Transpiled before any gateway starts, so no measurement waits on the compiler.
const HOSTILE = hostileCorpus();

/** The peak resident set of a process so far (Linux), in MB; null elsewhere. */
function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}
const HOSTILE_RSS_TARGET_MB = 400;

/** Every hostile statement, `rounds` times, through warehouse_query; then the gateway's peak RSS. */
async function hostileRun(kind, orders, url, child, rounds = 2) {
  const corpus = await HOSTILE;
  const client = await httpClient(url);
  const rssBefore = peakRssMb(child.pid);
  const latencies = [];
  let refused = 0;
  let answered = 0;
  let failures = 0;
  for (let round = 0; round < rounds; round++) {
    for (const attack of corpus) {
      const started = performance.now();
      try {
        const r = await client.callTool({ name: 'warehouse_query', arguments: { sql: attack.sql } });
        if (r.isError) refused++;
        else if (r.structuredContent.row_count <= 500) answered++;
        else failures++;
      } catch {
        failures++;
      }
      latencies.push(performance.now() - started);
    }
  }
  await client.close();
  const peak = peakRssMb(child.pid);
  // The gateway must still be alive and answer after the corpus.
  const health = await fetch(url.replace(/\/mcp$/, '/health')).then(
    (r) => r.status,
    () => 0,
  );
  return {
    bench: 'gateway',
    warehouse: kind,
    orders,
    tool: 'warehouse_query',
    corpus: 'hostile',
    statements: corpus.length,
    transport: 'http',
    clients: 1,
    calls: latencies.length,
    refused,
    answered_within_caps: answered,
    failures,
    p50_ms: round2(percentile(latencies, 50)),
    p99_ms: round2(percentile(latencies, 99)),
    max_ms: round2(Math.max(...latencies)),
    rss_peak_before_mb: rssBefore,
    peak_rss_mb: peak,
    health_after: health,
    target: { peak_rss_mb_at_most: HOSTILE_RSS_TARGET_MB },
    meets_target: failures === 0 && health === 200 && peak !== null && peak <= HOSTILE_RSS_TARGET_MB,
  };
}

function latencyLine(kind, orders, transport, { latencies, errors }) {
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const target = kind === 'postgres' ? { p50_ms_below: TARGET.p50_ms_below, p99_ms_below: TARGET.p99_ms_below } : null;
  return {
    bench: 'gateway',
    warehouse: kind,
    orders,
    tool: 'ecm_order_details',
    transport,
    clients: 1,
    calls: latencies.length,
    errors,
    p50_ms: round2(p50),
    p99_ms: round2(p99),
    mean_ms: round2(latencies.reduce((s, v) => s + v, 0) / latencies.length),
    target,
    meets_target: target ? errors === 0 && p50 < target.p50_ms_below && p99 < target.p99_ms_below : null,
  };
}

async function measure(kind, orders) {
  const location = await prepareWarehouse({ warehouse: kind, orders, seed: 42, days: 30, url: process.env.ECM_BENCH_PG_URL }, SHARED);
  const { env, cleanup } = gatewayHome(location, orders);
  try {
    // stdio: one client, one gateway process.
    progress(`${kind}: stdio`);
    const stdio = new Client({ name: 'ecm-bench', version: '0.0.0' });
    await stdio.connect(
      new StdioClientTransport({ command: process.execPath, args: [GATEWAY, '--as-of', AS_OF.toISOString()], env, stderr: 'ignore' }),
    );
    const ids = await sampleOrders(stdio);
    await callLoop(stdio, ids, { calls: 30, deadline: performance.now() + 10_000 }); // warm-up
    const stdioRun = await callLoop(stdio, ids, { calls: CALLS, deadline: performance.now() + SECONDS * 1000 });
    await stdio.close();
    process.stdout.write(`${JSON.stringify(latencyLine(kind, orders, 'stdio', stdioRun))}\n`);

    // HTTP: a fresh gateway process, one client, then CLIENTS concurrent clients.
    progress(`${kind}: http`);
    const { child, url } = await startHttp(env);
    try {
      const one = await httpClient(url);
      await sampleOrders(one);
      await callLoop(one, ids, { calls: 30, deadline: performance.now() + 10_000 });
      const httpRun = await callLoop(one, ids, { calls: CALLS, deadline: performance.now() + SECONDS * 1000 });
      await one.close();
      process.stdout.write(`${JSON.stringify(latencyLine(kind, orders, 'http', httpRun))}\n`);

      progress(`${kind}: ${CLIENTS} concurrent HTTP clients for up to ${SECONDS} s`);
      const clients = await Promise.all(Array.from({ length: CLIENTS }, () => httpClient(url)));
      const started = performance.now();
      const deadline = started + SECONDS * 1000;
      const perClient = Math.ceil(MAX_CONCURRENT_CALLS / CLIENTS);
      const runs = await Promise.all(
        clients.map((c, i) => callLoop(c, ids.slice(i).concat(ids.slice(0, i)), { calls: perClient, deadline })),
      );
      const seconds = (performance.now() - started) / 1000;
      await Promise.all(clients.map((c) => c.close()));
      const latencies = runs.flatMap((r) => r.latencies);
      const errors = runs.reduce((s, r) => s + r.errors, 0);
      const perSecond = latencies.length / seconds;
      const target = kind === 'postgres' ? { calls_per_s_at_least: TARGET.calls_per_s_at_least } : null;
      process.stdout.write(
        `${JSON.stringify({
          bench: 'gateway',
          warehouse: kind,
          orders,
          tool: 'ecm_order_details',
          transport: 'http',
          clients: CLIENTS,
          calls: latencies.length,
          errors,
          seconds: round2(seconds),
          calls_per_s: round2(perSecond),
          p50_ms: round2(percentile(latencies, 50)),
          p99_ms: round2(percentile(latencies, 99)),
          target,
          meets_target: target ? errors === 0 && perSecond >= target.calls_per_s_at_least : null,
        })}\n`,
      );

      progress(`${kind}: the hostile corpus through warehouse_query`);
      process.stdout.write(`${JSON.stringify(await hostileRun(kind, orders, url, child))}\n`);
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    cleanup();
  }
}

await measure('pglite', Number(opts.orders));
if (process.env.ECM_BENCH_PG_URL) await measure('postgres', Number(opts['pg-orders']));
