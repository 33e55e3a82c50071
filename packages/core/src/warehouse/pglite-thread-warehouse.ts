import { Worker } from 'node:worker_threads';
import type { ThreadReply, ThreadStart } from './pglite-thread.js';
import { compiledPglite } from './pglite-warehouse.js';
import type { Row, Warehouse } from './warehouse.js';

// A worker runs compiled JavaScript: from src/ (the tests) it is the built file in dist/.
const THREAD_MAIN = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/warehouse/pglite-thread.js', import.meta.url)
  : new URL('./pglite-thread.js', import.meta.url);

/** A query the embedded warehouse refused: its message and SQLSTATE, as PGlite gave them on its thread. */
export class PgliteThreadError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'PgliteThreadError';
  }
}

/**
 * The embedded demo warehouse on a thread of its own. Starting an embedded database is CPU work on
 * the thread that opens it; a terminal command that needs both embedded stores opens the warehouse
 * here while the main thread opens the state store, so on two cores the two starts overlap.
 * Read access only (query); warehouse_query's read-only transactions need the database itself
 * (PgliteWarehouse).
 */
export class PgliteThreadWarehouse implements Warehouse {
  readonly kind = 'pglite' as const;
  #roundTrips = 0;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(reply: ThreadReply): void; reject(err: Error): void }>();
  #closed: Promise<void> | null = null;
  /** Why the thread ended, once it has: later queries fail with it at once instead of waiting for a reply. */
  #ended: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly label: string,
  ) {
    worker.on('message', (reply: ThreadReply) => {
      const waiting = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      waiting?.resolve(reply);
    });
    // The thread died (out of memory, a crash in the database): every waiting query fails with why.
    const fail = (err: Error) => {
      this.#ended ??= err;
      for (const waiting of this.#pending.values()) waiting.reject(err);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedded warehouse's thread ended (exit ${code})`)));
  }

  /**
   * Starts the thread and resolves once the database is open there; a failed open rejects with its
   * reason. The thread gets PostgreSQL's WebAssembly as this process compiled it (for the state store
   * too): one compilation instead of one per thread.
   */
  static async open(dataDir: string, label: string): Promise<PgliteThreadWarehouse> {
    const workerData: ThreadStart = { dataDir, wasmModule: await compiledPglite() };
    const worker = new Worker(THREAD_MAIN, { workerData });
    const warehouse = new PgliteThreadWarehouse(worker, label);
    const ready = await warehouse.#request(0, null);
    if ('error' in ready) {
      await worker.terminate();
      throw new PgliteThreadError(ready.error.message, ready.error.code);
    }
    return warehouse;
  }

  get roundTrips(): number {
    return this.#roundTrips;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    if (this.#closed) throw new Error(`${this.label} is closed`);
    this.#roundTrips++;
    const reply = await this.#request(this.#nextId++, { op: 'query', sql, params: [...params] });
    if ('error' in reply) throw new PgliteThreadError(reply.error.message, reply.error.code);
    if (!('rows' in reply)) throw new Error(`${this.label}: unexpected reply`);
    return reply.rows;
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        // Closing the database on its thread lets PostgreSQL shut down cleanly before the thread ends.
        await this.#request(this.#nextId++, { op: 'close' });
      } finally {
        await this.worker.terminate();
      }
    })();
    return this.#closed;
  }

  /** Sends one message (none for the start-up reply, id 0) and waits for the reply with its id. */
  #request(id: number, message: { op: 'query'; sql: string; params: unknown[] } | { op: 'close' } | null): Promise<ThreadReply> {
    return new Promise<ThreadReply>((resolve, reject) => {
      if (this.#ended) return reject(this.#ended);
      this.#pending.set(id, { resolve, reject });
      if (message) this.worker.postMessage({ ...message, id });
    });
  }
}
