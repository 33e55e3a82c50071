import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ASHA, seededDemo } from './__fixtures__/seeded-demo.js';
import { cliEnv, FIELD_BIN, NOW } from './__fixtures__/run-cli.js';

// my-tickets opens the embedded demo warehouse on a thread of its own while the main thread opens the
// state store. A process killed at any instant of that (thread starting, either database half open,
// queries in flight) must leave both stores as they were: the next run answers the same queue.
const demo = seededDemo();

/** Starts my-tickets and SIGKILLs it after `ms`; resolves once it is gone, with whether the kill landed (it may have finished first). */
function killAfter(ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FIELD_BIN, 'my-tickets', '--agent', ASHA, '--as-of', NOW, '--json'], {
      env: cliEnv(demo.home),
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

/** A small deterministic generator: the same kill instants on every run, spread over the start-up. */
function* instants(count: number, seed: number): Generator<number> {
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    yield 40 + (s % 600);
  }
}

const queueOf = async () => {
  const r = await demo.asAgent(ASHA, ['my-tickets', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const q = JSON.parse(r.stdout) as { open: number; live_status: string; tickets: { order_id: string; status: string }[] };
  return { open: q.open, live_status: q.live_status, tickets: q.tickets.map((t) => `${t.order_id}:${t.status}`) };
};

describe('ecm-field my-tickets killed while its two embedded databases open', () => {
  it('leaves both stores usable and unchanged, whenever the kill lands', async () => {
    const before = await queueOf();
    expect(before.open).toBeGreaterThan(0);
    expect(before.live_status).toBe('ok');
    let landed = 0;
    for (const ms of instants(6, 20_261_201)) {
      if (await killAfter(ms)) landed++;
      expect(await queueOf(), `after a kill at ${ms} ms`).toEqual(before);
    }
    // The instants fall inside a start-up (about 0.5 s on an idle machine): most runs die before answering.
    expect(landed).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
