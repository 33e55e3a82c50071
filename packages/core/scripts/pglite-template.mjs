#!/usr/bin/env node
// Regenerates assets/pglite-empty-cluster.tar.gz: the empty PostgreSQL cluster that PGlite's initdb
// creates, so that opening a new embedded database loads it instead of running initdb (which peaks
// at about 800 MB of memory). Run after upgrading @electric-sql/pglite:
//   node packages/core/scripts/pglite-template.mjs
// Until then the embedded stores fall back to initdb (the version recorded beside it no longer matches).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const pkg = path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json');
const version = JSON.parse(readFileSync(pkg, 'utf8')).version;
const dir = mkdtempSync(path.join(os.tmpdir(), 'pglite-template-'));
try {
  const db = new PGlite(path.join(dir, 'pgdata'));
  await db.waitReady;
  const tarball = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
  await db.close();
  writeFileSync(path.join(assets, 'pglite-empty-cluster.tar.gz'), tarball);
  writeFileSync(path.join(assets, 'pglite-empty-cluster.json'), `${JSON.stringify({ pglite: version }, null, 2)}\n`);
  console.log(`assets/pglite-empty-cluster.tar.gz: ${tarball.length} bytes, PGlite ${version}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
