import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock, LockLostError, lockFilePath, processStart, RunLockedError } from './run-lock.js';

let home: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-lock-'));
  env = { ECM_HOME: home };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function leaveLock(fields: Record<string, unknown>): string {
  const file = lockFilePath(env);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ holder: 'ecm-manager daily on somewhere pid 4242 since 07:00', token: 'theirs', ...fields }));
  return file;
}

describe.skipIf(process.platform !== 'linux')('the lock file', () => {
  it('records host, pid and the process start time', async () => {
    const lock = acquireFileLock('me', env);
    const written = JSON.parse(readFileSync(lockFilePath(env), 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ holder: 'me', pid: process.pid, host: os.hostname(), started: processStart(process.pid) });
    expect(written.started).toMatch(/^[0-9a-f-]+:\d+$/);
    await lock.release();
  });

  it('a PID now used by another process (different start time) is taken over', async () => {
    // This test's own PID is alive; the lock says it was started at another time: the PID was reused.
    leaveLock({ pid: process.pid, host: os.hostname(), started: 'another-boot:12345' });
    const lock = acquireFileLock('me', env);
    expect(JSON.parse(readFileSync(lockFilePath(env), 'utf8')).holder).toBe('me');
    await lock.release();
  });

  it('a live holder (same PID, same start time) is not taken over', () => {
    leaveLock({ pid: process.pid, host: os.hostname(), started: processStart(process.pid) });
    const err = (() => {
      try {
        acquireFileLock('me', env);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RunLockedError);
    expect((err as RunLockedError).advice).toContain(`pid ${process.pid} is running`);
  });

  it('a dead PID on this host is taken over', async () => {
    leaveLock({ pid: 2 ** 22 + 17, host: os.hostname(), started: null });
    const lock = acquireFileLock('me', env);
    await lock.assertHeld();
    await lock.release();
  });

  it('a lock from another host is refused, with the exact command that clears it', () => {
    const file = leaveLock({ pid: 1, host: 'ecm-worker-7.example.com', started: 'x:1' });
    const err = (() => {
      try {
        acquireFileLock('me', env);
      } catch (e) {
        return e;
      }
    })() as RunLockedError;
    expect(err).toBeInstanceOf(RunLockedError);
    expect(err.holder).toContain('somewhere pid 4242');
    expect(err.advice).toContain('ecm-worker-7.example.com');
    expect(err.advice).toContain(`rm '${file}'`);
    expect(JSON.parse(readFileSync(file, 'utf8')).host).toBe('ecm-worker-7.example.com');
  });

  it('a run whose lock file was replaced knows it lost the lock, and does not remove the new one', async () => {
    const lock = acquireFileLock('me', env);
    await lock.assertHeld();
    leaveLock({ pid: process.pid, host: os.hostname(), holder: 'the next run' });
    await expect(lock.assertHeld()).rejects.toBeInstanceOf(LockLostError);
    await lock.release();
    expect(JSON.parse(readFileSync(lockFilePath(env), 'utf8')).holder).toBe('the next run');
  });
});
