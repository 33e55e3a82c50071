// The worker side of PgliteThreadWarehouse: one embedded database opened on this thread, answering one
// statement message at a time. Nothing here is reachable from another module's imports.
import { parentPort, workerData } from 'node:worker_threads';
import { adoptCompiledPglite, openPglite, type WasmModule } from './pglite-warehouse.js';

/** What the owner gives the thread: the data folder, and PostgreSQL's WebAssembly already compiled. */
export interface ThreadStart {
  readonly dataDir: string;
  readonly wasmModule?: WasmModule;
}

type ThreadRequest =
  | { readonly op: 'query'; readonly id: number; readonly sql: string; readonly params: unknown[] }
  | { readonly op: 'close'; readonly id: number };

// Checked by hand, not with zod: this thread's start-up is what it exists to shorten, and zod is most
// of a module graph this small.
function parseRequest(raw: unknown): ThreadRequest {
  const m = raw as Partial<{ op: unknown; id: unknown; sql: unknown; params: unknown }> | null;
  if (m && typeof m.id === 'number') {
    if (m.op === 'close') return { op: 'close', id: m.id };
    if (m.op === 'query' && typeof m.sql === 'string' && Array.isArray(m.params))
      return { op: 'query', id: m.id, sql: m.sql, params: m.params };
  }
  throw new Error('pglite-thread: a message that is neither a query nor close');
}

/** What crosses back: rows, or the error's text and SQLSTATE (a structured clone keeps no class). */
export type ThreadReply =
  | { readonly id: number; readonly rows: Record<string, unknown>[] }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } }
  | { readonly id: number; readonly closed: true };

const port = parentPort;
if (!port) throw new Error('pglite-thread runs as a worker thread');
const start = workerData as Partial<ThreadStart> | null;
if (typeof start?.dataDir !== 'string') throw new Error('pglite-thread: workerData must name the data folder');
if (start.wasmModule) adoptCompiledPglite(start.wasmModule);

const opening = openPglite(start.dataDir);
// A failed open is reported once, as the answer to the "ready" id 0; the owner then ends the thread.
opening.then(
  () => port.postMessage({ id: 0, rows: [] } satisfies ThreadReply),
  (err: unknown) => port.postMessage({ id: 0, error: errorOf(err) } satisfies ThreadReply),
);

function errorOf(err: unknown): { message: string; code?: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return { message: err instanceof Error ? err.message : String(err), ...(typeof code === 'string' ? { code } : {}) };
}

// PGlite is one connection: queries are answered in the order they came.
let queue: Promise<unknown> = Promise.resolve();
port.on('message', (raw: unknown) => {
  const msg = parseRequest(raw);
  queue = queue.then(async () => {
    const db = await opening;
    if (msg.op === 'close') {
      await db.close();
      port.postMessage({ id: msg.id, closed: true } satisfies ThreadReply);
      return;
    }
    try {
      const result = await db.query<Record<string, unknown>>(msg.sql, msg.params);
      port.postMessage({ id: msg.id, rows: result.rows } satisfies ThreadReply);
    } catch (err) {
      port.postMessage({ id: msg.id, error: errorOf(err) } satisfies ThreadReply);
    }
  });
});
