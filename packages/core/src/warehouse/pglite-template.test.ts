import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_CLUSTER_TEMPLATE, openPglite } from './pglite-warehouse.js';

// The empty-cluster template that new embedded databases load instead of running initdb.
describe('assets/pglite-empty-cluster.tar.gz', () => {
  it('was made by the installed PGlite (else: node packages/core/scripts/pglite-template.mjs)', () => {
    const installed = JSON.parse(
      readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8'),
    ) as { version: string };
    const recorded = JSON.parse(readFileSync(path.join(path.dirname(EMPTY_CLUSTER_TEMPLATE), 'pglite-empty-cluster.json'), 'utf8')) as {
      pglite: string;
    };
    expect(recorded.pglite).toBe(installed.version);
  });

  it('gives a new database on disk that works and is reopened as it was', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ecm-template-')), 'pgdata');
    try {
      const db = await openPglite(dir);
      await db.query('CREATE TABLE t (id int PRIMARY KEY, at timestamptz)');
      await db.query("INSERT INTO t VALUES (1, '2026-02-17T01:30:00Z')");
      expect((await db.query<{ v: string }>('SHOW server_encoding')).rows).toEqual([{ server_encoding: 'UTF8' }]);
      await db.close();
      expect(readFileSync(path.join(dir, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
      const again = await openPglite(dir);
      expect((await again.query('SELECT id FROM t')).rows).toEqual([{ id: 1 }]);
      await again.close();
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
