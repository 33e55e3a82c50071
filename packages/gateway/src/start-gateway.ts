import { storeLockWaitMs, WAIT_SETTINGS, waitSettingMs } from '@ecm/core/cli-kit';
import { defaultSharedDir, type EcmConfig, loadConfig, type TicketStore } from '@ecm/core/domain';
import { errorText, maskSecretsDeep } from '@ecm/core/text';
import { openStateDb, openTicketStore, type StateDb } from '@ecm/core/stores';
import { openWarehouse, type Warehouse } from '@ecm/core/warehouse';
import { pino } from 'pino';
import { GatewayContext } from './gateway-context.js';
import { noLease, storeLease, type StoreLease } from './store-lease.js';
import type { GatewayDeps } from './gateway-deps.js';

export interface StartOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Null: stdio. */
  readonly http: { readonly port: number; readonly host: string; readonly allowedHosts: readonly string[] } | null;
  readonly agentEmail: string | null;
  readonly allowPii: boolean;
  readonly asOf: Date | null;
  readonly logLevel: string;
}

/** The stores opened so far, closed on shutdown. */
interface OpenedStores {
  warehouse: Warehouse | null;
  state: StateDb | null;
}

type Logger = ReturnType<typeof gatewayLogger>;
type Shutdown = (why: string, code?: number) => Promise<void>;

/** Runs the gateway until stdin closes (stdio) or a signal arrives. */
export async function startGateway(options: StartOptions): Promise<void> {
  const log = gatewayLogger(options.logLevel);
  const { env } = options;
  const config = loadConfig(defaultSharedDir(env));

  // Opened on first use: a slow or missing warehouse never delays the MCP handshake.
  const opened: OpenedStores = { warehouse: null, state: null };
  const state = stateOpener(env, opened);
  // Forgets the context's handles first (it closes warehouse_query's session), then closes the stores;
  // `ctx` is made below, and this runs only later, when the lease hands over or the gateway stops.
  const closeStores = async (): Promise<void> => {
    await ctx.forgetStores();
    state.forget();
    const { warehouse, state: db } = opened;
    opened.warehouse = null;
    opened.state = null;
    await Promise.all([warehouse?.close(), db?.close()]);
    if (warehouse || db) log.info({}, 'stores closed');
  };
  const lease = storeLease({
    env,
    command: options.http ? '--http' : '(stdio)',
    closeStores,
    idleMs: waitSettingMs(WAIT_SETTINGS.gatewayHandOver, STORE_IDLE_MS, env),
    waitMs: storeLockWaitMs(env),
    onWait: (holder) => log.info({ holder }, 'waiting for the embedded stores'),
    onCloseFailed: (err) => log.error({ error: errorText(err) }, 'a store did not close; keeping the embedded stores locked'),
  });
  const ctx = new GatewayContext(gatewayDeps(options, config, log, opened, state.open, lease));

  const stopping = { stop: async (): Promise<void> => undefined };
  // With a lease, closing it closes the stores before it releases the lock; on PostgreSQL there is
  // no lease to do it.
  const shutdown = shutdownOnSignals(log, stopping, () => (lease === noLease ? closeStores() : lease.close()).catch(() => undefined));

  if (options.http) {
    stopping.stop = await startHttp(options.http, { ctx, env, config, log, openState: state.open, lease });
    return;
  }
  await startStdio(ctx, options, log, shutdown, stopping);
}

function gatewayLogger(level: string) {
  // stderr only: stdout is the MCP protocol when serving stdio.
  // Every log line's fields pass through maskSecrets: a driver error may quote a connection string.
  return pino(
    { name: 'ecm-gateway', level, formatters: { log: (fields) => maskSecretsDeep(fields) } },
    pino.destination({ dest: 2, sync: true }),
  );
}

/**
 * A gateway on the embedded stores closes them when no call has come for this long, so the other ECM
 * programs get their turn (store-lease.ts); back-to-back calls keep them open.
 * ECM_GATEWAY_HAND_OVER_SECONDS overrides it. A call waits for another program as long as ecm-field
 * does (storeLockWaitMs: 15 s, or ECM_LOCK_WAIT_SECONDS).
 */
const STORE_IDLE_MS = 5_000;

/** One state store for the ticket tools and the record of personal-data reveals, opened once until forgotten. */
function stateOpener(env: NodeJS.ProcessEnv, opened: OpenedStores): { open: () => Promise<StateDb>; forget: () => void } {
  let opening: Promise<StateDb> | null = null;
  return {
    open: () =>
      (opening ??= openStateDb({ env }).then(
        (db) => (opened.state = db),
        (err: unknown) => {
          opening = null;
          throw err;
        },
      )),
    forget: () => {
      opening = null;
    },
  };
}

function gatewayDeps(
  options: StartOptions,
  config: EcmConfig,
  log: Logger,
  opened: OpenedStores,
  openState: () => Promise<StateDb>,
  lease: StoreLease,
): GatewayDeps {
  const { env } = options;
  return {
    config,
    env,
    log,
    lease,
    allowPii: options.allowPii,
    ...(options.agentEmail ? { agentEmail: options.agentEmail } : {}),
    // A fixed time (demos, tests) is the clock of ticket changes too, as ecm-field --as-of is.
    ...(options.asOf ? { asOf: () => options.asOf!, now: () => options.asOf! } : {}),
    warehouse: async () => {
      const warehouse = await openWarehouse({ sharedDir: config.sharedDir, env, onNotice: (line) => log.info({}, line) });
      opened.warehouse = warehouse;
      log.info({ warehouse: warehouse.label }, 'warehouse opened');
      return warehouse;
    },
    tickets: async (): Promise<TicketStore> => openTicketStore(await openState(), env),
    audit: openState,
  };
}

function shutdownOnSignals(log: Logger, stopping: { stop: () => Promise<void> }, closeAll: () => Promise<void>): Shutdown {
  let closing = false;
  const shutdown: Shutdown = async (why, code = 0) => {
    if (closing) return;
    closing = true;
    log.info({ why }, 'shutting down');
    await stopping.stop().catch(() => undefined);
    await closeAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return shutdown;
}

interface HttpStartDeps {
  readonly ctx: GatewayContext;
  readonly env: NodeJS.ProcessEnv;
  readonly config: EcmConfig;
  readonly log: Logger;
  readonly openState: () => Promise<StateDb>;
  readonly lease: StoreLease;
}

/** Serves streamable HTTP; returns how to stop listening. */
async function startHttp(http: NonNullable<StartOptions['http']>, deps: HttpStartDeps): Promise<() => Promise<void>> {
  const { ctx, env, log, openState, lease } = deps;
  const [{ startHttpGateway }, { GatewayTokens }, { StoredTokens }] = await Promise.all([
    import('./http/http-gateway.js'),
    import('./http/gateway-tokens.js'),
    import('./http/token-store.js'),
  ]);
  const tokens = GatewayTokens.parse(env.ECM_GATEWAY_TOKEN);
  // Personal tokens issued by a lead live in the state store, checked on every request.
  const storedTokens = new StoredTokens({ query: (sql, params) => lease.use(async () => (await openState()).query(sql, params)) });
  const metrics = metricsEndpoint(deps);
  const server = await startHttpGateway(ctx, { ...http, tokens, storedTokens, metrics });
  log.info(
    {
      url: server.url,
      auth: tokens
        ? `${tokens.size} bearer token(s) and issued tokens`
        : 'issued tokens (without one: loopback only, as the configured agent)',
      agent: tokens ? 'token subject' : ctx.defaultAgent,
    },
    'listening',
  );
  return server.close;
}

/**
 * A long-running service is scraped rather than pushing: /metrics serves the execution log's metrics.
 * The LLM runtime's modules load on the first scrape, so a gateway nobody scrapes never loads them.
 */
function metricsEndpoint({ config, openState, lease }: HttpStartDeps) {
  const logDb = {
    query: (sql: string, params?: unknown[]) => lease.use(async () => (await openState()).query(sql, params)),
  };
  let endpoint: Promise<{ render(): Promise<string> }> | null = null;
  const openEndpoint = async () => {
    const agent = await import('@ecm/agent');
    const llm = agent.loadLlmConfig(config.sharedDir);
    return agent.logMetricsEndpoint(logDb, {
      timeZone: llm.budget.time_zone,
      budgets: { [agent.managerDomainName(config.sharedDir)]: llm.budget.daily_usd_per_domain },
    });
  };
  return {
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    render: async () => {
      endpoint ??= openEndpoint().catch((err: unknown) => {
        endpoint = null; // try again on the next scrape
        throw err;
      });
      return (await endpoint).render();
    },
  };
}

async function startStdio(
  ctx: GatewayContext,
  options: StartOptions,
  log: Logger,
  shutdown: Shutdown,
  stopping: { stop: () => Promise<void> },
): Promise<void> {
  const [{ StdioServerTransport }, { buildServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('./server.js'),
  ]);
  const server = buildServer(ctx, { agentEmail: ctx.defaultAgent, transport: 'stdio' });
  stopping.stop = () => server.close();
  process.stdin.on('end', () => void shutdown('stdin closed'));
  await server.connect(new StdioServerTransport());
  log.info({ agent: ctx.defaultAgent, pii: options.allowPii }, 'serving MCP over stdio');
}
