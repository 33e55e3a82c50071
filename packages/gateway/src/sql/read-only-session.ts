/** One statement's raw result: column names and rows as arrays (duplicate column names survive). */
export interface RawResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Sends one statement over the extended query protocol: one statement per message, no stacking. */
export type ExtendedQuery = (sql: string) => Promise<RawResult>;

/**
 * A connection to the warehouse that runs work inside `BEGIN READ ONLY … ROLLBACK`, with the
 * statement time limit set for that transaction only.
 */
export interface ReadOnlySession {
  /** False for the embedded demo warehouse: a running statement there cannot be cancelled. */
  readonly interruptible: boolean;
  readOnly<T>(timeoutMs: number, work: (query: ExtendedQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The warehouse gave up on the statement because of the time limit (server side or ours). */
export class QueryTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the query ran longer than ${formatSeconds(timeoutMs)} and was cancelled`);
    this.name = 'QueryTimeoutError';
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** A statement time limit as SQL; the value is ours (an integer), never the caller's text. */
export function statementTimeoutSql(timeoutMs: number): string {
  return `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`;
}
