import { EXIT } from '@ecm/core/cli-kit';
import { isEmbedded, lockEmbeddedStores, type HeldStoreLock } from '@ecm/core/stores';
import { errorText } from '@ecm/core/text';

/**
 * How a long-running gateway shares the embedded stores (PGlite under ECM_HOME) with the other ECM
 * programs. An embedded store admits one process at a time: two PostgreSQL instances on one data
 * folder overwrite each other's writes. The gateway therefore takes the store lock before it opens
 * a store, keeps it while calls come, and after `idleMs` without a call closes the stores and
 * releases the lock, so `ecm-field`, `ecm-manager daily` or a lead's `ecm-gateway tokens` get their
 * turn between calls. A call meanwhile waits for the lock (up to `waitMs`) and opens the stores again.
 */
export interface StoreLease {
  /** Runs `fn` with the lock held; nested and concurrent uses share one hold. */
  use<T>(fn: () => Promise<T>): Promise<T>;
  /** Closes the stores and releases the lock now (shutdown). */
  close(): Promise<void>;
}

/** Stores on PostgreSQL need no lock: every use runs at once. */
export const noLease: StoreLease = { use: (fn) => fn(), close: async () => undefined };

export interface LeaseOptions {
  readonly env: NodeJS.ProcessEnv;
  /** What the lock file names as its holder's command (e.g. "--http"). */
  readonly command: string;
  /** Closes whatever stores are open and forgets them, so the next use opens them again. */
  readonly closeStores: () => Promise<void>;
  readonly idleMs: number;
  readonly waitMs: number;
  readonly onWait?: (holder: string) => void;
  /** A store did not close: the lock stays held. */
  readonly onCloseFailed?: (err: unknown) => void;
}

/** The lease for the embedded stores, or noLease when both stores are on PostgreSQL. */
export function storeLease(options: LeaseOptions): StoreLease {
  const { env } = options;
  if (!isEmbedded('state', env) && !isEmbedded('warehouse', env)) return noLease;
  return new EmbeddedStoreLease(options);
}

class EmbeddedStoreLease implements StoreLease {
  #inUse = 0;
  #lock: Promise<HeldStoreLock> | null = null;
  /** Closing the stores and releasing the lock, once started: a new use waits for it to finish. */
  #handingOver: Promise<void> | null = null;
  #idle: NodeJS.Timeout | null = null;
  /** Why no use may start any more: the gateway is shutting down, or a store did not close. */
  #refused: string | null = null;

  constructor(private readonly options: LeaseOptions) {}

  async use<T>(fn: () => Promise<T>): Promise<T> {
    this.#inUse++;
    this.#cancelIdle();
    try {
      await this.#held();
      // Shut down (or broken) while this use waited for the lock: the stores are not ours to open now.
      if (this.#refused) throw new Error(this.#refused);
      return await fn();
    } finally {
      this.#inUse--;
      if (this.#inUse === 0) this.#scheduleIdle();
    }
  }

  /**
   * Shutdown: no new use starts; the uses already running finish (for at most `waitMs`, a use's own
   * bound on waiting for the lock), then the stores close and the lock is released. A use still
   * running at the deadline may open a store again, so then the stores close but the lock stays
   * with this process, which is exiting: the next program takes over a dead holder's lock.
   */
  async close(): Promise<void> {
    this.#refused ??= 'the gateway is shutting down';
    this.#cancelIdle();
    for (const deadline = Date.now() + this.options.waitMs; this.#inUse > 0 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 20));
    if (this.#inUse > 0) {
      await this.options.closeStores().catch((err: unknown) => this.options.onCloseFailed?.(err));
      return;
    }
    await this.#handOver();
  }

  /** Waits for a hand-over in progress, then takes the lock unless it is already held. */
  async #held(): Promise<void> {
    while (this.#handingOver) await this.#handingOver;
    if (this.#refused) throw new Error(this.#refused);
    this.#lock ??= lockEmbeddedStores(
      {
        program: 'ecm-gateway',
        command: this.options.command,
        stores: ['state', 'warehouse'],
        waitMs: this.options.waitMs,
        lockedExit: EXIT.failed,
        onWait: this.options.onWait ?? (() => undefined),
      },
      this.options.env,
    ).catch((err: unknown) => {
      this.#lock = null; // the next call tries again
      throw err;
    });
    await this.#lock;
  }

  #scheduleIdle(): void {
    this.#cancelIdle();
    if (this.#refused) return;
    this.#idle = setTimeout(() => {
      this.#idle = null;
      if (this.#inUse === 0) void this.#handOver();
    }, this.options.idleMs);
    // An idle gateway with nothing else to do may exit; the hand-over is not a reason to stay.
    this.#idle.unref();
  }

  #cancelIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
  }

  /**
   * Closes the stores, then releases the lock: nothing of ours is open once another process may open
   * them. A store that would not close may still be open: then the lock is kept until exit and no
   * use starts again (a second instance beside the half-closed one would be the very thing the lock
   * prevents). A failed release keeps the lock as held, so this process goes on as its holder.
   * Never rejects: it also runs from a timer.
   */
  #handOver(): Promise<void> {
    const lock = this.#lock;
    if (!lock || this.#handingOver) return this.#handingOver ?? Promise.resolve();
    this.#handingOver = (async () => {
      try {
        await this.options.closeStores();
      } catch (err) {
        this.#refused = `a store did not close (${errorText(err)}); restart the gateway`;
        this.options.onCloseFailed?.(err);
        return;
      }
      try {
        await (await lock.catch(() => null))?.release();
        this.#lock = null;
      } catch (err) {
        this.options.onCloseFailed?.(err);
      }
    })().finally(() => {
      this.#handingOver = null;
    });
    return this.#handingOver;
  }
}
