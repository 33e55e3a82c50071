import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPg } from '../warehouse/load-pg.js';
import { z } from 'zod';
import { stateDir } from './state-db.js';

/** Another run holds the lock; `holder` says who (command, host, pid, since when). */
export class RunLockedError extends Error {
  constructor(readonly holder: string) {
    super(`another ECM run holds the lock: ${holder}`);
    this.name = 'RunLockedError';
  }
}

export interface RunLock {
  readonly holder: string;
  release(): Promise<void>;
}

const LOCK_KEY = 7_300_417; // pg advisory lock id for "one ECM run at a time"
const lockFileSchema = z.object({ holder: z.string(), pid: z.number(), host: z.string() });

export function describeHolder(command: string, now: Date = new Date(), program = 'ecm-manager'): string {
  return `${program} ${command} on ${os.hostname()} pid ${process.pid} since ${now.toISOString()}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded state store can be opened by one process at a time, so its lock is a file taken
 * before the database is opened. A lock left by a dead process on this host is taken over.
 */
export function acquireFileLock(holder: string, env: NodeJS.ProcessEnv = process.env): RunLock {
  const dir = stateDir(env);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'run.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ holder, pid: process.pid, host: os.hostname() }));
      closeSync(fd);
      return {
        holder,
        release: async () => rmSync(file, { force: true }),
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let existing: z.infer<typeof lockFileSchema> | null = null;
      try {
        existing = lockFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        existing = null; // half-written by a process that died while writing it
      }
      if (existing && (existing.host !== os.hostname() || processAlive(existing.pid))) throw new RunLockedError(existing.holder);
      rmSync(file, { force: true });
    }
  }
  throw new RunLockedError(`unknown holder of ${file}`);
}

/** Waits for the file lock (for short commands that must not race a running job). */
export async function waitForFileLock(holder: string, env: NodeJS.ProcessEnv, timeoutMs: number, onWait?: (holder: string) => void): Promise<RunLock> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      return acquireFileLock(holder, env);
    } catch (err) {
      if (!(err instanceof RunLockedError) || Date.now() > deadline) throw err;
      if (!told) onWait?.(err.holder);
      told = true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * On PostgreSQL a session advisory lock on a dedicated connection: released by the server when the
 * process dies, so no stale lock survives a crash. The holder is written to a table for the message.
 */
export async function acquirePgLock(url: string, holder: string): Promise<RunLock> {
  const client = new (loadPg().Client)({ connectionString: url, application_name: 'ecm-run-lock' });
  await client.connect();
  client.on('error', () => undefined);
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LOCK_KEY]);
    if (!rows[0]?.locked) {
      const held = await client.query<{ holder: string }>('SELECT holder FROM run_lock_holder WHERE id = 1');
      throw new RunLockedError(held.rows[0]?.holder ?? 'another process (holder not recorded)');
    }
    await client.query(
      `INSERT INTO run_lock_holder (id, holder, acquired_at) VALUES (1, $1, $2)
       ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at`,
      [holder, new Date().toISOString()],
    );
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    holder,
    release: async () => {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
