/** Runs tasks one after another, in the order they were queued; a failed task does not stop the next. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * Keeps requests under a per-minute quota (Sheets: 60 reads and 60 writes a minute per user) by
 * waiting for the oldest request of the last minute to age out, instead of collecting 429s.
 */
export class RequestPacer {
  readonly #sent: number[] = [];
  #gate: Promise<void> = Promise.resolve();

  constructor(
    readonly perMinute: number,
    readonly clock: Clock,
  ) {}

  /** Resolves when one more request fits in the window (and counts it). */
  take(): Promise<void> {
    const turn = this.#gate.then(async () => {
      for (;;) {
        const now = this.clock.now();
        while (this.#sent.length > 0 && now - this.#sent[0]! >= 60_000) this.#sent.shift();
        if (this.#sent.length < this.perMinute) {
          this.#sent.push(now);
          return;
        }
        await this.clock.sleep(60_000 - (now - this.#sent[0]!));
      }
    });
    this.#gate = turn;
    return turn;
  }
}

/** What all stores of one spreadsheet in this process share: one write queue and the quota pacers. */
export interface SpreadsheetChannel {
  readonly writes: SerialQueue;
  readonly readPacer: RequestPacer;
  readonly writePacer: RequestPacer;
}

export interface Quota {
  readonly readsPerMinute: number;
  readonly writesPerMinute: number;
}

/** Google's default per-user quota for the Sheets API. */
export const SHEETS_QUOTA: Quota = { readsPerMinute: 60, writesPerMinute: 60 };

/** A channel of its own (what another process writing to the same sheet would have). */
export function createChannel(quota: Quota, clock: Clock): SpreadsheetChannel {
  return {
    writes: new SerialQueue(),
    readPacer: new RequestPacer(quota.readsPerMinute, clock),
    writePacer: new RequestPacer(quota.writesPerMinute, clock),
  };
}

const channels = new Map<string, SpreadsheetChannel>();

/** The channel of a spreadsheet in this process (keyed by API root and id), created on first use. */
export function channelFor(key: string, quota: Quota, clock: Clock): SpreadsheetChannel {
  let channel = channels.get(key);
  if (!channel) {
    channel = createChannel(quota, clock);
    channels.set(key, channel);
  }
  return channel;
}
