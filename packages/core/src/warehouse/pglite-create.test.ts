import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from './pglite-warehouse.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
let dir: string;
beforeAll(() => {
  // The killed process runs the compiled package, as the programs do.
  execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'packages/core'], { cwd: REPO, stdio: 'pipe' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-pglite-create-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = (parent: string) => readdirSync(parent).filter((f) => f.includes('.creating-'));

describe('creating an embedded cluster', () => {
  it('a process killed while creating it leaves a folder the next start opens', async () => {
    const parent = path.join(dir, 'killed');
    mkdirSync(parent);
    const dataDir = path.join(parent, 'pgdata');
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { openPglite } = await import('@ecm/core/warehouse'); await openPglite(${JSON.stringify(dataDir)}); await new Promise(() => {});`,
      ],
      {
        cwd: path.join(REPO, 'packages/core'),
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill it as soon as the cluster is being written, before it is complete.
    const started = Date.now();
    while (leftovers(parent).length === 0 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 2));
    expect(leftovers(parent)).not.toEqual([]);
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(false);

    const db = await openPglite(dataDir);
    try {
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
    expect(leftovers(parent)).toEqual([]);
  });

  it('an empty folder for the cluster is filled, and data written survives a reopen', async () => {
    const dataDir = path.join(dir, 'empty', 'pgdata');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dir, 'empty', 'pgdata.creating-1'), 'left by a killed run');
    const db = await openPglite(dataDir);
    await db.query('CREATE TABLE t (x int)');
    await db.query('INSERT INTO t VALUES (7)');
    await db.close();
    const again = await openPglite(dataDir);
    try {
      expect((await again.query<{ x: number }>('SELECT x FROM t')).rows).toEqual([{ x: 7 }]);
    } finally {
      await again.close();
    }
    expect(leftovers(path.join(dir, 'empty'))).toEqual([]);
  });
});
