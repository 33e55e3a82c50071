// The worker side of PgliteThreadWarehouse: one embedded database opened on this thread, answering
// one query message at a time. Nothing here is reachable from another module's imports.
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { openPglite } from './pglite-warehouse.js';

const request = z.discriminatedUnion('op', [
  z.object({ op: z.literal('query'), id: z.number(), sql: z.string(), params: z.array(z.unknown()) }),
  z.object({ op: z.literal('close'), id: z.number() }),
]);

/** What crosses back: rows, or the error's text and SQLSTATE (a structured clone keeps no class). */
export type ThreadReply =
  | { readonly id: number; readonly rows: Record<string, unknown>[] }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } }
  | { readonly id: number; readonly closed: true };

const port = parentPort;
if (!port) throw new Error('pglite-thread runs as a worker thread');
const dataDir = z.string().parse(workerData);

const opening = openPglite(dataDir);
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
  const msg = request.parse(raw);
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
