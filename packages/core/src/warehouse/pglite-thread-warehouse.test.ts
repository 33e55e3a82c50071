import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from './pglite-warehouse.js';
import { PgliteThreadError, PgliteThreadWarehouse } from './pglite-thread-warehouse.js';

// The embedded warehouse on its own thread must answer as the one on this thread: the same rows, in
// order, with errors that keep their SQLSTATE, and a clean shutdown.
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-thread-wh-'));
  const db = await openPglite(path.join(dir, 'pgdata'));
  await db.exec(`CREATE TABLE orders (order_id text PRIMARY KEY, amount numeric, created_at timestamptz);
    INSERT INTO orders SELECT 'ORD-' || lpad(g::text, 4, '0'), g * 1.5, '2026-02-17T00:00:00Z'::timestamptz + g * interval '1 minute' FROM generate_series(1, 500) g;`);
  await db.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PgliteThreadWarehouse', () => {
  it('answers queries with parameters, text for numerics and times, and counts round trips', async () => {
    const wh = await PgliteThreadWarehouse.open(path.join(dir, 'pgdata'), 'test warehouse');
    try {
      const rows = await wh.query('SELECT order_id, amount, created_at FROM orders WHERE order_id = ANY($1::text[]) ORDER BY order_id', [
        ['ORD-0002', 'ORD-0500', 'ORD-9999'],
      ]);
      expect(rows).toEqual([
        { order_id: 'ORD-0002', amount: '3.0', created_at: '2026-02-17 00:02:00+00' },
        { order_id: 'ORD-0500', amount: '750.0', created_at: '2026-02-17 08:20:00+00' },
      ]);
      expect(wh.roundTrips).toBe(1);
      expect(wh.kind).toBe('pglite');
    } finally {
      await wh.close();
    }
  });

  it('keeps many queries sent at once apart, each with its own answer', async () => {
    const wh = await PgliteThreadWarehouse.open(path.join(dir, 'pgdata'), 'test warehouse');
    try {
      const ids = Array.from({ length: 40 }, (_, i) => `ORD-${String(i + 1).padStart(4, '0')}`);
      const answers = await Promise.all(ids.map((id) => wh.query('SELECT order_id FROM orders WHERE order_id = $1', [id])));
      expect(answers.map((r) => r[0]?.order_id)).toEqual(ids);
    } finally {
      await wh.close();
    }
  });

  it('a refused query rejects with its message and SQLSTATE; the next query still works', async () => {
    const wh = await PgliteThreadWarehouse.open(path.join(dir, 'pgdata'), 'test warehouse');
    try {
      const err = await wh.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PgliteThreadError);
      expect((err as PgliteThreadError).message).toMatch(/no_such_table/);
      expect((err as PgliteThreadError).code).toBe('42P01');
      expect(await wh.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 500 }]);
    } finally {
      await wh.close();
    }
  });

  it('after close, queries are refused and close again is harmless', async () => {
    const wh = await PgliteThreadWarehouse.open(path.join(dir, 'pgdata'), 'test warehouse');
    await wh.close();
    await wh.close();
    await expect(wh.query('SELECT 1')).rejects.toThrow(/test warehouse is closed/);
  });

  it('a folder that is not a database fails the open with the reason, and leaves no thread running', async () => {
    const bad = path.join(dir, 'not-a-cluster');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, 'PG_VERSION'), 'garbage\n');
    await expect(PgliteThreadWarehouse.open(bad, 'broken warehouse')).rejects.toThrow();
  }, 60_000);
});

describe('PostgreSQL compiled once per process', () => {
  // The thread is handed the module the main thread compiled (for the state store, too): a thread
  // compiling its own would cost a second compilation on every `ecm-field my-tickets`.
  it('the thread instantiates the main thread’s module instead of compiling its own', () => {
    const preload = fileURLToPath(new URL('../__fixtures__/record-wasm-compiles.cjs', import.meta.url));
    const built = new URL('../../dist/warehouse/pglite-thread-warehouse.js', import.meta.url).href;
    const script = `
      const { PgliteThreadWarehouse } = await import(${JSON.stringify(built)});
      const wh = await PgliteThreadWarehouse.open(${JSON.stringify(path.join(dir, 'pgdata'))}, 'test warehouse');
      const rows = await wh.query('SELECT count(*)::int AS n FROM orders');
      await wh.close();
      process.stdout.write(JSON.stringify(rows));`;
    // A file, not --eval: the thread would inherit --input-type and refuse to load.
    const file = path.join(dir, 'open-on-thread.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--require', preload, file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ n: 500 }]);
    expect(r.stderr.match(/^wasm-compile \w+$/gm)).toEqual(['wasm-compile main']);
  });
});
