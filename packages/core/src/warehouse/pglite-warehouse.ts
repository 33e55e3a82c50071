import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import type { Row, Warehouse } from './warehouse.js';

const asText = (value: string) => value;
/** Same text handover as the pg driver: int8, timestamp, timestamptz, numeric. */
export const PGLITE_PARSERS = { 20: asText, 1114: asText, 1184: asText, 1700: asText };

type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
/** The runtime's WebAssembly compiler (the TypeScript lib in use does not declare it). */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } }).WebAssembly;
let compiled: Promise<WasmModule> | null = null;

/** PostgreSQL's WebAssembly, compiled once per process: the CLIs open the warehouse and the state store. */
function pgliteModule(): Promise<WasmModule> {
  compiled ??= (async () => {
    const dist = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    return wasm.compile(await readFile(path.join(dist, 'pglite.wasm')));
  })();
  return compiled;
}

/** Opens an embedded PGlite database; `dataDir` undefined keeps it in memory. */
export async function openPglite(dataDir?: string): Promise<PGlite> {
  const [{ PGlite }, pgliteWasmModule] = await Promise.all([import('@electric-sql/pglite'), pgliteModule()]);
  const options = { parsers: PGLITE_PARSERS, pgliteWasmModule };
  const db = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
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
