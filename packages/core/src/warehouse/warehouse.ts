import { maskSecrets } from '../text/mask-secrets.js';

export type Row = Record<string, unknown>;

/**
 * Read access to the warehouse: Amazon Redshift or PostgreSQL through `pg`, or the embedded PGlite
 * demo. Timestamps, numerics and bigints arrive as text; callers parse them with zod.
 */
export interface Warehouse {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, safe to print (no password). */
  readonly label: string;
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Statements sent since the warehouse was opened. */
  readonly roundTrips: number;
  close(): Promise<void>;
}

/** A URL with its password replaced (userinfo and `password`-like query parameters), for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return maskSecrets(u.toString());
  } catch {
    return '(unparseable URL)';
  }
}

/** A warehouse query failed; the message names the warehouse (password redacted). */
export class WarehouseError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'WarehouseError';
  }
}
