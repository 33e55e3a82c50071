import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireFileLock, lockFilePath } from '@ecm/core/stores';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noLease, storeLease, type StoreLease } from './store-lease.js';

// The embedded stores admit one process at a time. A gateway holds their lock only while it uses
// them: these tests watch the lock file itself, as another ECM program would.
let home: string;
let env: NodeJS.ProcessEnv;
let closed: number;
let leases: StoreLease[];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until `ok()` holds (a busy machine fires timers late), failing after 5 s. */
async function until(ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5_000; !ok(); await sleep(10)) if (Date.now() > deadline) throw new Error('timed out waiting');
}

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-lease-'));
  env = { ECM_HOME: home };
  closed = 0;
  leases = [];
});
afterEach(async () => {
  await Promise.all(leases.map((l) => l.close()));
  rmSync(home, { recursive: true, force: true });
});

function lease(overrides: Partial<Parameters<typeof storeLease>[0]> = {}): StoreLease {
  const made = storeLease({
    env,
    command: '--http',
    idleMs: 100,
    waitMs: 5_000,
    closeStores: async () => {
      closed++;
    },
    ...overrides,
  });
  leases.push(made);
  return made;
}

const lockToken = () =>
  existsSync(lockFilePath(env)) ? (JSON.parse(readFileSync(lockFilePath(env), 'utf8')) as { token: string }).token : null;
const lockHolder = () =>
  existsSync(lockFilePath(env)) ? (JSON.parse(readFileSync(lockFilePath(env), 'utf8')) as { holder: string }).holder : null;

describe('storeLease', () => {
  it('holds the lock while in use, then closes the stores and releases it when idle', async () => {
    const l = lease();
    await l.use(async () => {
      expect(lockHolder()).toMatch(/^ecm-gateway --http /);
    });
    expect(lockHolder()).not.toBeNull(); // kept for the next call
    await until(() => lockHolder() === null);
    expect(closed).toBe(1);
  });

  it('keeps the stores open across back-to-back and concurrent calls, and closes once', async () => {
    const l = lease({ idleMs: 1_000 });
    for (let i = 0; i < 3; i++) await l.use(() => sleep(30));
    await Promise.all([l.use(() => sleep(150)), l.use(() => sleep(50)), l.use(async () => l.use(() => sleep(20)))]);
    expect(closed).toBe(0);
    await until(() => lockHolder() === null);
    expect(closed).toBe(1);
  });

  it('never closes the stores under a call that is still running', async () => {
    const l = lease({ idleMs: 20 });
    let inside = false;
    await Promise.all([
      l.use(async () => {
        inside = true;
        await sleep(300);
        expect(closed).toBe(0);
        inside = false;
      }),
      (async () => {
        await sleep(50);
        await l.use(async () => undefined); // ends while the first call still runs
      })(),
    ]);
    expect(inside).toBe(false);
    await until(() => closed === 1);
  });

  it('a call during the hand-over waits for it, then takes the lock again', async () => {
    let release: () => void = () => undefined;
    const slowClose = new Promise<void>((r) => (release = r));
    const l = lease({
      idleMs: 10,
      closeStores: async () => {
        closed++;
        await slowClose;
      },
    });
    await l.use(async () => undefined);
    const first = lockToken();
    await until(() => closed === 1); // the hand-over has begun and waits for the stores to close
    let ran = false;
    const next = l.use(async () => {
      ran = true;
      expect(lockHolder()).toMatch(/^ecm-gateway/);
    });
    await sleep(50);
    expect(ran).toBe(false);
    release();
    await next;
    expect(ran).toBe(true);
    // Released in between and taken anew, not kept across the hand-over.
    expect(lockToken()).not.toBeNull();
    expect(lockToken()).not.toBe(first);
  });

  it('waits for another program that holds the stores, then runs', async () => {
    const other = acquireFileLock('ecm-manager daily on test pid 1 since now', env);
    const waited: string[] = [];
    const l = lease({ onWait: (holder) => waited.push(holder) });
    const call = l.use(async () => lockHolder());
    await sleep(300);
    await other.release();
    expect(await call).toMatch(/^ecm-gateway/);
    expect(waited).toEqual(['ecm-manager daily on test pid 1 since now']);
  });

  it('gives up after waitMs naming the holder, and a later call tries again', async () => {
    const other = acquireFileLock('ecm-manager daily on test pid 1 since now', env);
    const l = lease({ waitMs: 300 });
    await expect(l.use(async () => 'never')).rejects.toThrow(/ecm-manager daily/);
    await other.release();
    expect(await l.use(async () => 'now')).toBe('now');
  });

  it('keeps the lock when a store does not close, so no other process opens it beside this one', async () => {
    const failures: unknown[] = [];
    const l = lease({
      idleMs: 10,
      closeStores: async () => {
        throw new Error('close failed');
      },
      onCloseFailed: (err) => failures.push(err),
    });
    await l.use(async () => undefined);
    await until(() => failures.length === 1);
    expect(lockHolder()).toMatch(/^ecm-gateway/);
    // Nor does this process open a second instance beside the half-closed one.
    await expect(l.use(async () => 'opened again')).rejects.toThrow(/a store did not close \(close failed\); restart the gateway/);
  });

  it('shutdown lets a running call finish, refuses new ones, then closes and releases', async () => {
    const l = lease({ idleMs: 60_000 });
    let finished = false;
    const running = l.use(async () => {
      await sleep(200);
      finished = true;
    });
    await sleep(20);
    const closing = l.close();
    await expect(l.use(async () => 'late')).rejects.toThrow(/shutting down/);
    await closing;
    await running;
    expect(finished).toBe(true);
    expect(closed).toBe(1);
    expect(lockHolder()).toBeNull();
  });

  it('close() closes the stores and releases the lock at once', async () => {
    const l = lease({ idleMs: 60_000 });
    await l.use(async () => undefined);
    await l.close();
    expect(closed).toBe(1);
    expect(lockHolder()).toBeNull();
  });

  it('needs no lock when both stores are on PostgreSQL', () => {
    expect(lease({ env: { ECM_HOME: home, ECM_STATE_URL: 'postgres://x', ECM_WAREHOUSE_URL: 'postgres://y' } })).toBe(noLease);
  });

  it('a blank ECM_WAREHOUSE_URL is the embedded demo warehouse, as the warehouse opener reads it: locked', () => {
    expect(lease({ env: { ECM_HOME: home, ECM_STATE_URL: 'postgres://x', ECM_WAREHOUSE_URL: '  ' } })).not.toBe(noLease);
  });
});
