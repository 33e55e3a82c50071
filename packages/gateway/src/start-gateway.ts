import { defaultSharedDir, type EcmConfig, loadConfig, type TicketStore } from '@ecm/core/domain';
import { maskSecretsDeep } from '@ecm/core/text';
import { openStateDb, openTicketStore, type StateDb } from '@ecm/core/stores';
import { openWarehouse, type Warehouse } from '@ecm/core/warehouse';
import { pino } from 'pino';
import { GatewayContext } from './gateway-context.js';
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
  const openState = stateOpener(env, opened);
  const ctx = new GatewayContext(gatewayDeps(options, config, log, opened, openState));

  const stopping = { stop: async (): Promise<void> => undefined };
  const shutdown = shutdownOnSignals(log, ctx, opened, stopping);

  if (options.http) {
    stopping.stop = await startHttp(options.http, { ctx, env, config, log, opened, openState });
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

/** One state store for the ticket tools and the record of personal-data reveals, opened once. */
function stateOpener(env: NodeJS.ProcessEnv, opened: OpenedStores): () => Promise<StateDb> {
  let opening: Promise<StateDb> | null = null;
  return () =>
    (opening ??= openStateDb({ env }).then(
      (db) => (opened.state = db),
      (err: unknown) => {
        opening = null;
        throw err;
      },
    ));
}

function gatewayDeps(
  options: StartOptions,
  config: EcmConfig,
  log: Logger,
  opened: OpenedStores,
  openState: () => Promise<StateDb>,
): GatewayDeps {
  const { env } = options;
  return {
    config,
    env,
    log,
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

function shutdownOnSignals(log: Logger, ctx: GatewayContext, opened: OpenedStores, stopping: { stop: () => Promise<void> }): Shutdown {
  let closing = false;
  const shutdown: Shutdown = async (why, code = 0) => {
    if (closing) return;
    closing = true;
    log.info({ why }, 'shutting down');
    await stopping.stop().catch(() => undefined);
    await ctx.close();
    await opened.warehouse?.close().catch(() => undefined);
    await opened.state?.close().catch(() => undefined);
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
  readonly opened: OpenedStores;
  readonly openState: () => Promise<StateDb>;
}

/** Serves streamable HTTP; returns how to stop listening. */
async function startHttp(http: NonNullable<StartOptions['http']>, deps: HttpStartDeps): Promise<() => Promise<void>> {
  const { ctx, env, log, openState } = deps;
  const [{ startHttpGateway }, { GatewayTokens }, { StoredTokens }] = await Promise.all([
    import('./http/http-gateway.js'),
    import('./http/gateway-tokens.js'),
    import('./http/token-store.js'),
  ]);
  const tokens = GatewayTokens.parse(env.ECM_GATEWAY_TOKEN);
  // Personal tokens issued by a lead live in the state store, checked on every request.
  const storedTokens = new StoredTokens({ query: async (sql, params) => (await openState()).query(sql, params) });
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
function metricsEndpoint({ env, config, opened }: HttpStartDeps) {
  const logDb = {
    query: async (sql: string, params?: unknown[]) => (opened.state ??= await openStateDb({ env })).query(sql, params),
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
