import { defaultSharedDir, loadConfig, type TicketStore } from '@ecm/core/domain';
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

/** Runs the gateway until stdin closes (stdio) or a signal arrives. */
export async function startGateway(options: StartOptions): Promise<void> {
  // stderr only: stdout is the MCP protocol when serving stdio.
  // Every log line's fields pass through maskSecrets: a driver error may quote a connection string.
  const log = pino(
    { name: 'ecm-gateway', level: options.logLevel, formatters: { log: (fields) => maskSecretsDeep(fields) } },
    pino.destination({ dest: 2, sync: true }),
  );
  const { env } = options;
  const config = loadConfig(defaultSharedDir(env));

  // Opened on first use: a slow or missing warehouse never delays the MCP handshake.
  let warehouse: Warehouse | null = null;
  let state: StateDb | null = null;
  // One state store for the ticket tools and the record of personal-data reveals, opened once.
  let opening: Promise<StateDb> | null = null;
  const openState = (): Promise<StateDb> =>
    (opening ??= openStateDb({ env }).then(
      (db) => (state = db),
      (err: unknown) => {
        opening = null;
        throw err;
      },
    ));
  const deps: GatewayDeps = {
    config,
    env,
    log,
    allowPii: options.allowPii,
    ...(options.agentEmail ? { agentEmail: options.agentEmail } : {}),
    // A fixed time (demos, tests) is the clock of ticket changes too, as ecm-field --as-of is.
    ...(options.asOf ? { asOf: () => options.asOf!, now: () => options.asOf! } : {}),
    warehouse: async () => {
      warehouse = await openWarehouse({ sharedDir: config.sharedDir, env, onNotice: (line) => log.info({}, line) });
      log.info({ warehouse: warehouse.label }, 'warehouse opened');
      return warehouse;
    },
    tickets: async (): Promise<TicketStore> => openTicketStore(await openState(), env),
    audit: openState,
  };
  const ctx = new GatewayContext(deps);

  let closing = false;
  const shutdown = async (why: string, code = 0) => {
    if (closing) return;
    closing = true;
    log.info({ why }, 'shutting down');
    await stop().catch(() => undefined);
    await ctx.close();
    await (warehouse as Warehouse | null)?.close().catch(() => undefined);
    await (state as StateDb | null)?.close().catch(() => undefined);
    process.exit(code);
  };
  let stop: () => Promise<void> = async () => undefined;
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (options.http) {
    const [{ startHttpGateway }, { GatewayTokens }, { StoredTokens }] = await Promise.all([
      import('./http/http-gateway.js'),
      import('./http/gateway-tokens.js'),
      import('./http/token-store.js'),
    ]);
    const tokens = GatewayTokens.parse(env.ECM_GATEWAY_TOKEN);
    // Personal tokens issued by a lead live in the state store, checked on every request.
    const storedTokens = new StoredTokens({ query: async (sql, params) => (await openState()).query(sql, params) });
    // A long-running service is scraped rather than pushing: /metrics serves the execution log's metrics.
    // The LLM runtime's modules load on the first scrape, so a gateway nobody scrapes never loads them.
    const logDb = { query: async (sql: string, params?: unknown[]) => (state ??= await openStateDb({ env })).query(sql, params) };
    let endpoint: Promise<{ render(): Promise<string> }> | null = null;
    const openEndpoint = async () => {
      const agent = await import('@ecm/agent');
      const llm = agent.loadLlmConfig(config.sharedDir);
      return agent.logMetricsEndpoint(logDb, {
        timeZone: llm.budget.time_zone,
        budgets: { [agent.managerDomainName(config.sharedDir)]: llm.budget.daily_usd_per_domain },
      });
    };
    const metrics = {
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      render: async () => {
        endpoint ??= openEndpoint().catch((err: unknown) => {
          endpoint = null; // try again on the next scrape
          throw err;
        });
        return (await endpoint).render();
      },
    };
    const http = await startHttpGateway(ctx, { ...options.http, tokens, storedTokens, metrics });
    stop = http.close;
    log.info(
      {
        url: http.url,
        auth: tokens
          ? `${tokens.size} bearer token(s) and issued tokens`
          : 'issued tokens (without one: loopback only, as the configured agent)',
        agent: tokens ? 'token subject' : ctx.defaultAgent,
      },
      'listening',
    );
    return;
  }

  const [{ StdioServerTransport }, { buildServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('./server.js'),
  ]);
  const server = buildServer(ctx, { agentEmail: ctx.defaultAgent, transport: 'stdio' });
  stop = () => server.close();
  process.stdin.on('end', () => void shutdown('stdin closed'));
  await server.connect(new StdioServerTransport());
  log.info({ agent: ctx.defaultAgent, pii: options.allowPii }, 'serving MCP over stdio');
}
