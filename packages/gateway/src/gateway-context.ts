import { multipliersAt, runTriage, type EcmConfig, type TicketStore, type TriagedOrder, type TriageResult } from '@ecm/core/domain';
import type { StateDb, StateQueryable } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { silentLog, type GatewayDeps, type GatewayLog, type QuerySettings } from './gateway-deps.js';
import { RunbookLibrary } from './runbooks/runbook-library.js';
import { pgliteOf, PgliteReadOnlySession } from './sql/pglite-session.js';
import type { ReadOnlySession } from './sql/read-only-session.js';
import { ToolError } from './tools/tool-error.js';
import { errorText } from '@ecm/core/text';

const DEFAULT_QUERY: Omit<QuerySettings, 'maxPlanCost'> = { maxRows: 500, maxBytes: 256 * 1024, timeoutMs: 30_000 };
const DEMO_MAX_PLAN_COST = 100_000;

interface TriageCacheEntry {
  readonly at: number;
  readonly snapshot: Promise<TriageSnapshot>;
  ready: boolean;
}

export interface TriageSnapshot {
  readonly result: TriageResult;
  readonly byOrder: ReadonlyMap<string, TriagedOrder>;
}

/** Opens something once; a failed attempt is forgotten so the next call tries again. */
function lazy<T>(source: T | (() => Promise<T>)): () => Promise<T> {
  if (typeof source !== 'function') return () => Promise.resolve(source);
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= (source as () => Promise<T>)().catch((err: unknown) => {
      pending = null;
      throw err;
    });
    return pending;
  };
}

/**
 * What every connection to the gateway shares: the warehouse (opened lazily), warehouse_query's
 * read-only session, the triage cache and the runbook index. One per process; each MCP server
 * (one per stdio/in-process connection, one per HTTP request) is a thin view on it.
 */
export class GatewayContext {
  readonly config: EcmConfig;
  readonly log: GatewayLog;
  readonly allowPii: boolean;
  readonly program: string;
  readonly defaultAgent: string | null;
  readonly asOf: () => Date;
  readonly now: () => Date;
  readonly runbooks: RunbookLibrary;
  readonly #deps: GatewayDeps;
  #openWarehouse: () => Promise<Warehouse>;
  #openTickets: (() => Promise<TicketStore>) | null;
  #openAudit: (() => Promise<StateQueryable>) | null;
  #session: Promise<ReadOnlySession> | null = null;
  #triage: TriageCacheEntry | null = null;

  constructor(deps: GatewayDeps) {
    this.#deps = deps;
    this.config = deps.config;
    this.log = deps.log ?? silentLog;
    this.allowPii = deps.allowPii ?? false;
    this.program = deps.program ?? 'ecm-gateway';
    this.defaultAgent = deps.agentEmail?.trim().toLowerCase() || null;
    this.asOf = deps.asOf ?? (() => new Date());
    this.now = deps.now ?? (() => new Date());
    this.runbooks = new RunbookLibrary(deps.config);
    this.#openWarehouse = lazy(deps.warehouse);
    this.#openTickets = deps.tickets ? lazy(deps.tickets) : null;
    this.#openAudit = deps.audit ? lazy(deps.audit) : null;
  }

  /**
   * Runs `fn`, which uses the stores, while this process may have them open (GatewayDeps.lease): a
   * gateway on the embedded stores waits its turn when another ECM program holds them.
   */
  async useStores<T>(fn: () => Promise<T>): Promise<T> {
    const lease = this.#deps.lease;
    if (!lease) return fn();
    let entered = false;
    try {
      return await lease.use(() => {
        entered = true;
        return fn();
      });
    } catch (err) {
      if (entered) throw err;
      throw new ToolError(`The embedded stores are not available now: ${errorText(err)}`);
    }
  }

  /**
   * Forgets every store opened so far and what was made on them, closing warehouse_query's session
   * (the caller then closes the stores themselves): the next use opens them again. The triage cache
   * is data, not a connection, and stays.
   */
  async forgetStores(): Promise<void> {
    await this.close();
    this.#openWarehouse = lazy(this.#deps.warehouse);
    this.#openTickets = this.#deps.tickets ? lazy(this.#deps.tickets) : null;
    this.#openAudit = this.#deps.audit ? lazy(this.#deps.audit) : null;
    this.#agentSchema = null;
  }

  /** The environment this gateway runs with (Slack for escalations, the fix executor for approvals). */
  get env(): NodeJS.ProcessEnv {
    return this.#deps.env ?? process.env;
  }

  /** The ticket store's backend as far as it is known before opening it (for honest tool annotations). */
  get ticketStoreKind(): 'local' | 'sheets' | null {
    const t = this.#deps.tickets;
    if (!t) return null;
    if (typeof t !== 'function') return t.kind;
    return (this.#deps.env ?? process.env).ECM_TICKETS === 'sheets' ? 'sheets' : 'local';
  }

  /** The warehouse, or a ToolError that says it is unavailable and why. */
  async warehouse(): Promise<Warehouse> {
    try {
      return await this.#openWarehouse();
    } catch (err) {
      throw new ToolError(`The warehouse is unavailable: ${errorText(err)}`);
    }
  }

  /** Runs one of our own statements; a failure becomes a ToolError naming the warehouse. */
  async query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const warehouse = await this.warehouse();
    try {
      return await warehouse.query(sql, params);
    } catch (err) {
      throw new ToolError(`The warehouse query failed (${warehouse.label}): ${errorText(err)}`);
    }
  }

  /**
   * The learned severity multipliers at T (§13), from the ticket store's resolutions through the same
   * core function the manager uses, so a ticket's priority and this gateway's answers agree. Without a
   * ticket store every multiplier is 1; a store that cannot be read is logged and counts as none.
   */
  async multipliers(asOf: Date): Promise<Record<string, number>> {
    if (!this.#openTickets) return {};
    try {
      return await multipliersAt(this.config, await this.#openTickets(), asOf);
    } catch (err) {
      this.log.warn({ error: errorText(err) }, 'learned multipliers unavailable; scoring with none');
      return {};
    }
  }

  async tickets(): Promise<TicketStore> {
    if (!this.#openTickets) throw new ToolError('No ticket store is configured for this gateway.');
    try {
      return await this.#openTickets();
    } catch (err) {
      throw new ToolError(`The ticket store is unavailable: ${errorText(err)}`);
    }
  }

  /** Where reveals of personal data are recorded; null when this gateway has nowhere to record them. */
  async auditLog(): Promise<StateQueryable | null> {
    if (!this.#openAudit) return null;
    try {
      return await this.#openAudit();
    } catch (err) {
      throw new ToolError(`The state store that records reveals of personal data is unavailable: ${errorText(err)}`);
    }
  }

  /**
   * The state store with transactions, for the field's tools (proposal decisions, corrections,
   * checklists): the same store that records reveals.
   */
  async stateDb(): Promise<StateDb> {
    const db = await this.auditLog();
    if (!db || typeof (db as Partial<StateDb>).transaction !== 'function')
      throw new ToolError('No state store is configured for this gateway, so it cannot serve the field tools.');
    return db as StateDb;
  }

  #agentSchema: Promise<StateDb> | null = null;

  /**
   * The state store with the agent runtime's tables (proposals, checklists, executions), created
   * once per process rather than on every tool call.
   */
  agentState(): Promise<StateDb> {
    this.#agentSchema ??= (async () => {
      const db = await this.stateDb();
      const { ensureAgentSchema } = await import('@ecm/agent/state');
      await ensureAgentSchema(db);
      return db;
    })().catch((err: unknown) => {
      this.#agentSchema = null;
      throw err;
    });
    return this.#agentSchema;
  }

  querySettings(warehouse: Warehouse): QuerySettings {
    const q = this.#deps.query ?? {};
    return {
      maxRows: q.maxRows ?? DEFAULT_QUERY.maxRows,
      maxBytes: q.maxBytes ?? DEFAULT_QUERY.maxBytes,
      timeoutMs: q.timeoutMs ?? DEFAULT_QUERY.timeoutMs,
      maxPlanCost: q.maxPlanCost !== undefined ? q.maxPlanCost : warehouse.kind === 'pglite' ? DEMO_MAX_PLAN_COST : null,
    };
  }

  /** warehouse_query's read-only session: PGlite's own transaction, or a separate small pg pool. */
  async readOnlySession(): Promise<ReadOnlySession> {
    const warehouse = await this.warehouse();
    this.#session ??= (async (): Promise<ReadOnlySession> => {
      const db = pgliteOf(warehouse);
      if (db) return new PgliteReadOnlySession(db);
      // An embedded warehouse on another thread (PgliteThreadWarehouse) answers queries only; it has no transaction to make read-only.
      if (warehouse.kind === 'pglite')
        throw new ToolError(`warehouse_query needs ${warehouse.label} open in this thread, not for queries only`);
      const env = this.#deps.env ?? process.env;
      const url = this.#deps.queryUrl ?? (env.ECM_WAREHOUSE_QUERY_URL || env.ECM_WAREHOUSE_URL);
      if (!url)
        throw new ToolError(
          'warehouse_query needs a connection string for its read-only connection: set ECM_WAREHOUSE_QUERY_URL or ECM_WAREHOUSE_URL.',
        );
      const { PgReadOnlySession } = await import('./sql/pg-session.js');
      return new PgReadOnlySession(url);
    })().catch((err: unknown) => {
      this.#session = null;
      throw err;
    });
    return this.#session;
  }

  /**
   * The engine's triage at T, reused for a short while so the ecm_* tools agree with each other.
   * Once it is older than the TTL, callers keep getting it while one refresh runs in the
   * background, so no call waits for a whole triage except the very first.
   */
  async triage(): Promise<TriageSnapshot> {
    const ttl = this.#deps.triageTtlMs ?? 60_000;
    const cached = this.#triage;
    if (cached && Date.now() - cached.at < ttl) return cached.snapshot;
    if (cached?.ready) {
      if (!this.#refreshing) {
        this.#refreshing = true;
        const next = this.#startTriage();
        next.snapshot
          .then(
            () => undefined,
            (err: unknown) => this.log.warn({ error: errorText(err) }, 'triage refresh failed; keeping the previous result'),
          )
          .finally(() => (this.#refreshing = false));
      }
      return cached.snapshot;
    }
    return this.#startTriage().snapshot;
  }

  #refreshing = false;

  #startTriage(): { snapshot: Promise<TriageSnapshot> } {
    const started = Date.now();
    // A refresh may outlive the call that started it: it holds the stores on its own.
    const snapshot = this.useStores(async (): Promise<TriageSnapshot> => {
      const warehouse = await this.warehouse();
      let result: TriageResult;
      try {
        const asOf = this.asOf();
        result = await runTriage(warehouse, this.config, { asOf, multipliers: await this.multipliers(asOf) });
      } catch (err) {
        throw new ToolError(`The triage could not run on ${warehouse.label}: ${errorText(err)}`);
      }
      this.log.info({ candidates: result.orders.length, ms: Date.now() - started, as_of: result.as_of }, 'triage refreshed');
      return { result, byOrder: new Map(result.orders.map((o) => [o.order_id, o])) };
    });
    const entry: TriageCacheEntry = { at: started, snapshot, ready: false };
    // A refresh replaces a ready result only once it has one; a first run is shared while it runs.
    if (!this.#triage?.ready) this.#triage = entry;
    snapshot.then(
      () => {
        entry.ready = true;
        this.#triage = entry;
      },
      () => {
        if (this.#triage === entry) this.#triage = null;
      },
    );
    return { snapshot };
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (session) await session.then((s) => s.close()).catch(() => undefined);
  }
}
