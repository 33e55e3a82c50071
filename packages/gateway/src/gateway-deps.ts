import type { EcmConfig, TicketStore } from '@ecm/core/domain';
import type { StateQueryable } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import type { StoreLease } from './store-lease.js';

/** Where log lines go: pino in the CLI, nothing by default in-process. */
export interface GatewayLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLog: GatewayLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** warehouse_query's limits; each has a default. */
export interface QuerySettings {
  /** Rows returned at most (the caller may ask for fewer). Default 500. */
  readonly maxRows: number;
  /** JSON bytes of rows returned at most. Default 256 KiB. */
  readonly maxBytes: number;
  /** statement_timeout for the read-only transaction, and our own deadline. Default 30 s. */
  readonly timeoutMs: number;
  /**
   * Refuse statements whose planner cost estimate is above this. Default: 100,000 on the embedded
   * demo warehouse (which cannot cancel a running statement), none on PostgreSQL/Redshift, where
   * statement_timeout cancels.
   */
  readonly maxPlanCost: number | null;
}

export interface GatewayDeps {
  readonly config: EcmConfig;
  /** The warehouse, or how to open it. Opened on first use, so a warehouse that is down makes tool errors, not a dead server. */
  readonly warehouse: Warehouse | (() => Promise<Warehouse>);
  /** The ticket store (or how to open it); without one, the ticket tools answer that none is configured. */
  readonly tickets?: TicketStore | (() => Promise<TicketStore>);
  /** The agent this connection acts for (stdio, in-process). Over HTTP the token's subject is used instead. */
  readonly agentEmail?: string;
  /**
   * Whether ecm_order_details may reveal customers' names, emails and phones when asked to. Default
   * false. Even then only to the assignee of an open ticket on the order or a supervisor, and only
   * with `audit` to record it.
   */
  readonly allowPii?: boolean;
  /** The state store that records every reveal of personal data (or how to open it); without one nothing is revealed. */
  readonly audit?: StateQueryable | (() => Promise<StateQueryable>);
  /** The program serving these tools, as the reveal record names it (ecm-field, ecm-gateway, …). Default ecm-gateway. */
  readonly program?: string;
  /** The triage time T. Default: the clock. */
  readonly asOf?: () => Date;
  /** The clock for ticket changes. Default: the real clock. */
  readonly now?: () => Date;
  /**
   * Connection string for warehouse_query's own read-only connections on PostgreSQL/Redshift
   * (ideally a SELECT-only role). Default: ECM_WAREHOUSE_QUERY_URL, else ECM_WAREHOUSE_URL.
   */
  readonly queryUrl?: string;
  readonly query?: Partial<QuerySettings>;
  /** How long a triage result is reused by the ecm_* tools. Default 60 s. */
  readonly triageTtlMs?: number;
  readonly log?: GatewayLog;
  /**
   * How this process shares the stores with the other ECM programs (store-lease.ts): a long-running
   * gateway on the embedded stores holds them only while it uses them. Without one the stores are
   * this process's alone (ecm-field holds their lock for its whole command).
   */
  readonly lease?: StoreLease;
  readonly env?: NodeJS.ProcessEnv;
}
