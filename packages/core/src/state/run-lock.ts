import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { loadPg } from '../warehouse/load-pg.js';
import { stateDir } from './state-db.js';

/** Another run holds the lock; `holder` says who (command, host, pid, since when), `advice` what to do. */
export class RunLockedError extends Error {
  constructor(
    readonly holder: string,
    readonly advice: string = 'wait for it to finish; if that process dies, its lock is released automatically',
  ) {
    super(`another ECM run holds the lock: ${holder}`);
    this.name = 'RunLockedError';
  }
}

/** This run no longer holds the lock it took: it must stop writing at once. */
export class LockLostError extends Error {
  constructor(reason: string) {
    super(`this run lost its lock (${reason}): it stopped before writing or posting anything more; the next run finishes what is missing`);
    this.name = 'LockLostError';
  }
}

export interface RunLock {
  readonly holder: string;
  /**
   * Proves the lock is still this run's, or throws LockLostError. Called before every batch of
   * writes and every post, so a run that lost its lock stops before a second run's writes mix with its own.
   */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

const LOCK_KEY = 7_300_417; // pg advisory lock id for "one ECM run at a time"

export function describeHolder(command: string, now: Date = new Date(), program = 'ecm-manager'): string {
  return `${program} ${command} on ${os.hostname()} pid ${process.pid} since ${now.toISOString()}`;
}

// ---------------------------------------------------------------------------------------------
// The lock file (embedded store)

const lockFileSchema = z.object({
  holder: z.string(),
  pid: z.number().int(),
  host: z.string(),
  /** The process's start (boot id + start time in clock ticks): tells a reused PID from the holder. */
  started: z.string().nullable().optional(),
  token: z.string().optional(),
});
type LockFile = z.infer<typeof lockFileSchema>;

/** Linux: boot id + field 22 of /proc/PID/stat (start time since boot); null where that cannot be read. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[22 - 3];
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return startTicks ? `${bootId}:${startTicks}` : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote `lock` is certainly gone; false when this host cannot tell. */
function holderGone(lock: LockFile): boolean {
  if (lock.host !== os.hostname()) return false;
  if (!processAlive(lock.pid)) return true;
  // The PID is in use: by the holder, or by a process that got the PID after the holder died.
  const now = processStart(lock.pid);
  return Boolean(lock.started && now && lock.started !== now);
}

export function lockFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), 'run.lock');
}

function readLockFile(file: string): { raw: string; lock: LockFile | null } | null {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return { raw, lock: lockFileSchema.parse(JSON.parse(raw)) };
  } catch {
    return { raw, lock: null };
  }
}

/** Creates `file` with `content` only if it does not exist, complete or not at all (write, sync, hard link). */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes a lock judged stale, unless it changed since it was read: moved aside first, so two runs
 * taking over at once cannot both succeed, and a fresh lock moved by mistake is put back.
 */
function removeStale(file: string, staleRaw: string): boolean {
  const aside = `${file}.${process.pid}.${randomUUID()}.stale`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true; // someone else removed it
    throw err;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== staleRaw) {
    try {
      linkSync(aside, file);
    } catch {
      // The slot was taken again meanwhile; the run whose lock this was notices (assertHeld) and stops.
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

/**
 * The embedded state store can be opened by one process at a time, so its lock is a file taken
 * before the database is opened. It records host, PID and the process's start time; it is taken
 * over only when its holder is provably gone (same host, and the PID is not running or belongs to
 * a process started later). A lock from another host is never taken over: the error says how to clear it.
 */
export function acquireFileLock(holder: string, env: NodeJS.ProcessEnv = process.env): RunLock {
  const file = lockFilePath(env);
  mkdirSync(path.dirname(file), { recursive: true });
  const token = randomUUID();
  const mine: LockFile = { holder, pid: process.pid, host: os.hostname(), started: processStart(process.pid), token };
  const clear = `if it is not running, remove the lock with: rm '${file}'`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(file, JSON.stringify(mine))) return fileLock(file, holder, token);
    const existing = readLockFile(file);
    if (!existing) continue; // released in between
    const { lock } = existing;
    if (!lock) throw new RunLockedError(`unreadable lock file ${file}`, `check that no ECM run is running; ${clear}`);
    if (!holderGone(lock)) {
      const advice =
        lock.host !== os.hostname()
          ? `it was taken on host ${lock.host}, so this host cannot tell whether it still runs; ${clear}`
          : `wait for it to finish (pid ${lock.pid} is running); if that process dies, its lock is taken over automatically`;
      throw new RunLockedError(lock.holder, advice);
    }
    removeStale(file, existing.raw);
  }
  throw new RunLockedError(`a run that keeps taking ${file}`, 'try again in a moment');
}

function fileLock(file: string, holder: string, token: string): RunLock {
  const stillMine = () => readLockFile(file)?.lock?.token === token;
  return {
    holder,
    assertHeld: async () => {
      const current = readLockFile(file);
      if (current?.lock?.token !== token) {
        throw new LockLostError(
          current?.lock ? `the lock file ${file} now names ${current.lock.holder}` : `the lock file ${file} was removed`,
        );
      }
    },
    // Never remove a lock that another run has since taken over.
    release: async () => {
      if (stillMine()) rmSync(file, { force: true });
    },
  };
}

/** Waits for the file lock (for short commands that must not race a running job). */
export async function waitForFileLock(
  holder: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  onWait?: (holder: string) => void,
): Promise<RunLock> {
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

// ---------------------------------------------------------------------------------------------
// The advisory lock (PostgreSQL)

export interface PgLockOptions {
  /** Connecting may take this long (ms). */
  connectTimeoutMs?: number;
  /** Each statement on the lock's connection may take this long (ms), so a dead connection is noticed. */
  statementTimeoutMs?: number;
}

/** Why the lock's connection is gone (null while it is alive): set by the connection's events and by failed checks. */
type Liveness = { lost: string | null };

/** The lock's dedicated connection; a dropped connection is recorded as lost, never crashes the run. */
async function lockConnection(url: string, options: PgLockOptions): Promise<{ client: pg.Client; liveness: Liveness }> {
  const statementMs = options.statementTimeoutMs ?? 10_000;
  const client: pg.Client = new (loadPg().Client)({
    connectionString: url,
    application_name: 'ecm-run-lock',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: statementMs,
    query_timeout: statementMs + 2_000,
    keepAlive: true,
  });
  const liveness: Liveness = { lost: null };
  // Registered before connecting.
  client.on('error', (err: Error) => {
    liveness.lost ??= `the lock's connection to the state store failed: ${err.message}`;
  });
  client.on('end', () => {
    liveness.lost ??= "the lock's connection to the state store closed";
  });
  await client.connect();
  return { client, liveness };
}

/** Takes the advisory lock and records the holder and our fencing token; held by another: RunLockedError naming it. */
async function takeAdvisoryLock(client: pg.Client, holder: string, token: string): Promise<void> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LOCK_KEY]);
  if (!rows[0]?.locked) {
    const held = await client.query<{ holder: string }>('SELECT holder FROM run_lock_holder WHERE id = 1');
    throw new RunLockedError(held.rows[0]?.holder ?? 'another process (holder not recorded)');
  }
  await client.query(
    `INSERT INTO run_lock_holder (id, holder, acquired_at, token) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, acquired_at = EXCLUDED.acquired_at, token = EXCLUDED.token`,
    [holder, new Date().toISOString(), token],
  );
}

/** Proves the connection is alive, still holds the advisory lock, and the fencing token is still ours. */
async function assertPgLockHeld(client: pg.Client, liveness: Liveness, token: string): Promise<void> {
  if (liveness.lost) throw new LockLostError(liveness.lost);
  let row: { held: boolean; token: string | null } | undefined;
  try {
    // On the lock's own connection: it answers only while alive, and pg_locks shows what it holds.
    ({
      rows: [row],
    } = await client.query<{ held: boolean; token: string | null }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                        AND objid = ${LOCK_KEY} AND objsubid = 1 AND granted) AS held,
              (SELECT token FROM run_lock_holder WHERE id = 1) AS token`,
    ));
  } catch (err) {
    liveness.lost ??= `the lock's connection to the state store failed: ${(err as Error).message}`;
    throw new LockLostError(liveness.lost);
  }
  if (!row?.held) throw new LockLostError('the state store no longer shows the advisory lock on its connection');
  if (row.token !== token) throw new LockLostError('another run has taken the lock since (its fencing token replaced ours)');
}

/**
 * On PostgreSQL a session advisory lock on a dedicated connection: released by the server when the
 * process dies, so no stale lock survives a crash. The holder and a fencing token are written to
 * `run_lock_holder`; `assertHeld` proves the connection is alive, still holds the advisory lock, and
 * that the token is still ours (a run that took the lock after ours was lost replaces it).
 */
export async function acquirePgLock(url: string, holder: string, options: PgLockOptions = {}): Promise<RunLock> {
  const { client, liveness } = await lockConnection(url, options);
  const token = randomUUID();
  try {
    await takeAdvisoryLock(client, holder, token);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  let released = false;
  return {
    holder,
    assertHeld: () => assertPgLockHeld(client, liveness, token),
    release: async () => {
      if (released) return;
      released = true;
      if (!liveness.lost) await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
