import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import type { Row, Warehouse } from './warehouse.js';

const asText = (value: string) => value;
/** Same text handover as the pg driver: int8, timestamp, timestamptz, numeric. */
export const PGLITE_PARSERS = { 20: asText, 1114: asText, 1184: asText, 1700: asText };

/** PostgreSQL's WebAssembly, compiled. */
export type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
/** The runtime's WebAssembly compiler (the TypeScript lib in use does not declare it). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;
let compiled: Promise<WasmModule> | null = null;

/** PostgreSQL's WebAssembly, compiled once per process: the CLIs open the warehouse and the state store. */
export function compiledPglite(): Promise<WasmModule> {
  compiled ??= (async () => {
    const dist = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    return wasm.compile(await readFile(path.join(dist, 'pglite.wasm')));
  })();
  return compiled;
}

/**
 * Starts compiling PostgreSQL's WebAssembly on V8's background threads, so a program that will open
 * an embedded database can load its configuration meanwhile; openPglite then finds it compiled.
 */
export function preparePglite(): void {
  compiledPglite().catch(() => undefined); // a failure surfaces again, with its reason, in openPglite
}

/** Uses a module another thread of this process compiled (PgliteThreadWarehouse hands it over) instead of compiling again. */
export function adoptCompiledPglite(module: WasmModule): void {
  compiled ??= Promise.resolve(module);
}

/** packages/core/assets, from src/warehouse and dist/warehouse alike. */
const ASSETS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets');
export const EMPTY_CLUSTER_TEMPLATE = path.join(ASSETS, 'pglite-empty-cluster.tar.gz');

/**
 * The empty cluster PGlite's initdb would create (assets/, made by scripts/pglite-template.mjs), or
 * null when it was made by another PGlite version: then initdb runs as usual. Loading it instead of
 * running initdb keeps a first start (the quickstart's fresh ECM_HOME creates two stores) from
 * peaking at about 800 MB per new database.
 */
async function emptyClusterTemplate(): Promise<Blob | null> {
  try {
    const pkg = path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..', 'package.json');
    const [installed, recorded] = await Promise.all([
      readFile(pkg, 'utf8'),
      readFile(path.join(ASSETS, 'pglite-empty-cluster.json'), 'utf8'),
    ]);
    if ((JSON.parse(installed) as { version?: string }).version !== (JSON.parse(recorded) as { pglite?: string }).pglite) return null;
    return new Blob([await readFile(EMPTY_CLUSTER_TEMPLATE)]);
  } catch {
    return null;
  }
}

/**
 * Opens an embedded PGlite database; `dataDir` undefined keeps it in memory. A new database starts
 * from `loadDataDir` when given (a `dumpDataDir()` of another one), else from the empty cluster.
 */
export async function openPglite(dataDir?: string, start: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  const [{ PGlite }, pgliteWasmModule] = await Promise.all([import('@electric-sql/pglite'), compiledPglite()]);
  // PostgreSQL's default 128 MB buffer pool is touched at start in WebAssembly memory: about 110 MB
  // resident per open database, and the CLIs open two. Our tables are scanned once per run (large
  // scans use a small ring buffer anyway) and the operating system caches the files, so 16 MB
  // changes no result and little time.
  const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
  const options = { parsers: PGLITE_PARSERS, pgliteWasmModule, startParams };
  // In memory, too: initdb costs seconds on every open, the template a fraction of that.
  const fresh = dataDir === undefined || !existsSync(path.join(dataDir, 'PG_VERSION'));
  const template = fresh ? (start.loadDataDir ?? (await emptyClusterTemplate())) : null;
  const withTemplate = template ? { ...options, loadDataDir: template } : options;
  if (dataDir !== undefined && fresh) {
    // Made beside its place and renamed into it once complete: a process killed while creating the
    // cluster (PG_VERSION is written first) leaves nothing PostgreSQL would later fail to start.
    const parent = path.dirname(dataDir);
    const building = `${path.basename(dataDir)}.creating-`;
    // The embedded stores admit one process at a time (their file lock): leftovers are from killed runs.
    for (const stale of readdirSync(parent).filter((f) => f.startsWith(building)))
      rmSync(path.join(parent, stale), { recursive: true, force: true });
    const scratch = path.join(parent, `${building}${process.pid}`);
    const creating = new PGlite(scratch, withTemplate);
    await creating.waitReady;
    await creating.close();
    rmSync(dataDir, { recursive: true, force: true }); // an empty folder, or one a killed run left without PG_VERSION
    renameSync(scratch, dataDir);
  }
  const db = dataDir ? new PGlite(dataDir, options) : new PGlite(withTemplate);
  await db.waitReady;
  return db;
}

/** The embedded demo warehouse (or any PGlite database) behind the Warehouse interface. */
export class PgliteWarehouse implements Warehouse {
  readonly kind = 'pglite' as const;
  #roundTrips = 0;

  constructor(
    readonly db: PGlite,
    readonly label: string,
  ) {}

  get roundTrips(): number {
    return this.#roundTrips;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#roundTrips++;
    const result = await this.db.query<Row>(sql, params as unknown[]);
    return result.rows;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
