import { SheetsApiError } from './sheets-error.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1): the jitter. */
  readonly random: () => number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** About 1 minute of patience in all: enough for the per-minute quota to refill. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 500, capMs: 20_000, sleep, random: Math.random };

/** Exponential backoff with full jitter, never sooner than the server's Retry-After. */
export function backoffMs(policy: RetryPolicy, failedAttempt: number, retryAfterMs: number | null): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (failedAttempt - 1));
  // A Retry-After is honoured up to a minute (the quota window); beyond that the caller should hear about it.
  return Math.max(Math.min(retryAfterMs ?? 0, 60_000), Math.round(policy.random() * ceiling));
}

/**
 * Runs `attempt` until it succeeds, retrying after 429, 5xx and lost connections. Each attempt starts
 * from a fresh read of the sheet, so a write that was applied but whose answer was lost is seen and not sent twice.
 */
export async function withRetry<T>(policy: RetryPolicy, attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof SheetsApiError) || !err.retryable) throw err;
      if (n >= policy.attempts) throw new SheetsApiError(err.status, `${err.message} (gave up after ${n} attempts)`, err.retryAfterMs);
      await policy.sleep(backoffMs(policy, n, err.retryAfterMs));
    }
  }
}
