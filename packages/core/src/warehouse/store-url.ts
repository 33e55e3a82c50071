import { CliError, EXIT } from '../cli/cli-support.js';
import { redactUrl } from './warehouse.js';

/** The variables that name a database; every message about a store names its variable. */
export type StoreVariable = 'ECM_STATE_URL' | 'ECM_WAREHOUSE_URL';

/** Time limits on one store's connections and statements (milliseconds). */
export interface StoreTimeouts {
  readonly connectMs: number;
  readonly statementMs: number;
  /** How long a statement may wait for a row or table lock (PostgreSQL only; Redshift has no lock_timeout). */
  readonly lockMs?: number;
}

/** A store URL that is not a PostgreSQL URL: bad configuration (exit 3), naming the variable. */
export class StoreUrlError extends CliError {
  constructor(variable: StoreVariable, detail: string) {
    super(
      `${variable} ${detail}: expected postgres://user:password@host:port/database (or postgresql://; Redshift uses the same scheme)`,
      EXIT.config,
    );
    this.name = 'StoreUrlError';
  }
}

/** Checks that `url` is a PostgreSQL URL before any driver sees it (the driver's "Invalid URL" names nothing). */
export function checkStoreUrl(variable: StoreVariable, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreUrlError(variable, 'is not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreUrlError(variable, `has the scheme "${parsed.protocol.replace(/:$/, '')}" (${redactUrl(url)})`);
  }
  if (!parsed.hostname) throw new StoreUrlError(variable, `names no host (${redactUrl(url)})`);
}

/** PostgreSQL's codes for a statement cancelled by statement_timeout and a lock wait ended by lock_timeout. */
const TIMEOUT_CODES: Record<string, string> = { '57014': 'statement', '55P03': 'lock wait' };

/**
 * One line for a failed store call that says which store and variable, and for a timeout which
 * limit and where it is configured.
 */
export function describeStoreFailure(
  store: string,
  variable: StoreVariable,
  err: unknown,
  timeouts: StoreTimeouts,
  configKey: string,
): string {
  const error = err as { code?: unknown; message?: unknown };
  const message = typeof error?.message === 'string' ? error.message : String(err);
  const code = typeof error?.code === 'string' ? error.code : '';
  const kind =
    TIMEOUT_CODES[code] ??
    (/Query read timeout/i.test(message) ? 'statement' : /timeout expired|connection timeout/i.test(message) ? 'connect' : null);
  if (kind) {
    const ms =
      kind === 'connect' ? timeouts.connectMs : kind === 'lock wait' ? (timeouts.lockMs ?? timeouts.statementMs) : timeouts.statementMs;
    return `${store} (${variable}): ${kind} timed out after ${ms / 1000} s (${configKey} in shared/config/ecm.yaml): ${message}`;
  }
  return `${store} (${variable}): ${message}`;
}

/** `timeouts:` of shared/config/ecm.yaml as the state store's limits. */
export function stateTimeoutsOf(t: { connect_ms: number; state_statement_ms: number; state_lock_ms: number }): StoreTimeouts {
  return { connectMs: t.connect_ms, statementMs: t.state_statement_ms, lockMs: t.state_lock_ms };
}

/** `timeouts:` of shared/config/ecm.yaml as the warehouse's limits. */
export function warehouseTimeoutsOf(t: { connect_ms: number; warehouse_statement_ms: number }): StoreTimeouts {
  return { connectMs: t.connect_ms, statementMs: t.warehouse_statement_ms };
}
