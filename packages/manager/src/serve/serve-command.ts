import type { StateDb } from '@ecm/core/stores';
import { openTicketStore, isEmbedded } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { describeError, loadValidConfig, notice, openConfiguredState, openConfiguredWarehouse } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { createCronTriggers } from './cron-triggers.js';
import { createTriggerRunner } from './run-trigger.js';
import { choosePort, loadServeConfig } from './serve-config.js';
import { ServeMetrics } from './serve-metrics.js';
import { createServeServer, type SlackTrigger } from './serve-server.js';
import { createSlackTrigger, slackConnectionFromEnv } from './slack/slack-app.js';
import { createTriggerGate, type TriggerGate } from './trigger-gate.js';
import { ensureTriggerSchema } from './trigger-store.js';
import { ConfigError, defaultSharedDir } from '@ecm/core/domain';

export interface ServeOptions {
  port?: string;
}

/** The Slack app when Slack is configured (a bot token and an app token or a signing secret); else none. */
async function openSlackTrigger(deps: {
  gate: TriggerGate;
  state: StateDb;
  sharedDir: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<SlackTrigger | undefined> {
  const slack = slackConnectionFromEnv(deps.env);
  if (!slack) return undefined;
  const { managerDomainName } = await import('@ecm/agent');
  const config = await loadValidConfig();
  const tickets = await openTicketStore(deps.state);
  let warehouse: Promise<Warehouse> | undefined;
  return createSlackTrigger({
    slack,
    config,
    state: deps.state,
    tickets,
    // Opened on the first order question, not at start: a slow warehouse never delays Slack's acks.
    warehouse: () => (warehouse ??= openConfiguredWarehouse(config)),
    domain: managerDomainName(deps.sharedDir),
    gate: deps.gate,
    env: deps.env,
    log: deps.log,
  });
}

type AgentModule = typeof import('@ecm/agent');
type ServeServer = ReturnType<typeof createServeServer>;

/** What serve reads and checks before opening anything. */
interface ServeSetup {
  readonly sharedDir: string;
  readonly serveConfig: ReturnType<typeof loadServeConfig>;
  readonly domains: ReturnType<AgentModule['loadDomains']>;
  readonly llm: ReturnType<AgentModule['loadLlmConfig']>;
  readonly port: number;
}

/** `ecm-manager serve [--port N]`: runs until SIGTERM or SIGINT, then drains and exits 0. */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const agent = await import('@ecm/agent');
  const env = process.env;
  const setup = await loadServeSetup(agent, options, env);
  const { sharedDir, serveConfig, domains } = setup;

  const state = await openConfiguredState();
  await prepareState(agent, state);
  const metrics = new ServeMetrics();
  let server: ServeServer | undefined;
  const gate = openGate(agent, setup, state, metrics, (finished) => server?.track(finished));
  const runner = createTriggerRunner({ sharedDir, state, out: process.stderr, env });
  // The Slack app (Socket Mode, or HTTP at POST /slack/events) when Slack is configured; a Slack that
  // cannot start leaves the alert and webhook routes running, and says why.
  const slack = await openSlackTrigger({ gate, state, sharedDir, env, log: notice }).catch((err: unknown) => {
    notice(`serve: Slack is off: ${describeError(err)}`);
    return undefined;
  });
  server = createServeServer({ config: serveConfig, domains, state, gate, store: gate.store, runner, metrics, env, slack, log: notice });

  const cron = createCronTriggers({ domains, gate, start: server.runAdmitted, log: notice });
  const port = await startListening(setup, server, state, slack, cron);
  notice(`serve: listening on http://${serveConfig.host}:${port} — domains: ${[...domains.keys()].join(', ')}${slack ? ', Slack on' : ''}`);

  await drainOnSignal(setup, server, state, cron);
  return EXIT.ok;
}

async function loadServeSetup(agent: AgentModule, options: ServeOptions, env: NodeJS.ProcessEnv): Promise<ServeSetup> {
  const sharedDir = defaultSharedDir(env);
  let serveConfig: ServeSetup['serveConfig'];
  let domains: ServeSetup['domains'];
  let llm: ServeSetup['llm'];
  try {
    serveConfig = loadServeConfig(sharedDir);
    domains = agent.loadDomains(agent.domainDirs(env, sharedDir));
    llm = agent.loadLlmConfig(sharedDir);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`bad configuration: ${err.message}`, EXIT.config);
    throw err;
  }
  if ([...domains.values()].some((d) => d.manager_phases)) await loadValidConfig();
  const chosen = choosePort(options.port, env, serveConfig);
  if ('error' in chosen) throw new CliError(chosen.error, EXIT.config);
  if (!env.ECM_STATE_URL) {
    throw new CliError(
      'serve needs ECM_STATE_URL (PostgreSQL): the embedded state store admits one process at a time, and the service shares the store with the scheduled jobs',
      EXIT.config,
    );
  }
  if (isEmbedded('warehouse', env)) {
    throw new CliError(
      'serve needs ECM_WAREHOUSE_URL (Redshift or PostgreSQL): the embedded demo warehouse admits one process at a time, and the service would keep it open beside the scheduled jobs',
      EXIT.config,
    );
  }
  return { sharedDir, serveConfig, domains, llm, port: chosen.port };
}

async function prepareState(agent: AgentModule, state: StateDb): Promise<void> {
  try {
    await ensureTriggerSchema(state);
    await agent.ensureAgentSchema(state);
  } catch (err) {
    await state.close();
    throw new CliError(`cannot prepare the state store: ${describeError(err)}`);
  }
}

function openGate(
  agent: AgentModule,
  { serveConfig, domains, llm }: ServeSetup,
  state: StateDb,
  metrics: ServeMetrics,
  track: Parameters<typeof createTriggerGate>[0]['track'],
): ReturnType<typeof createTriggerGate> {
  const startOfDayIn = (now: Date, timeZone: string) => agent.startOfDay(now, timeZone);
  const timeZone = llm.budget.time_zone;
  return createTriggerGate({
    track,
    state,
    domains,
    metrics,
    globalDailyBudgetUsd: serveConfig.global_daily_budget_usd,
    spentToday: (domain, now) =>
      domain
        ? agent.spentSince(state, domain, startOfDayIn(now, timeZone))
        : agent.spentSinceAllDomains(state, startOfDayIn(now, timeZone)),
  });
}

async function startListening(
  { serveConfig, port }: ServeSetup,
  server: ServeServer,
  state: StateDb,
  slack: SlackTrigger | undefined,
  cron: ReturnType<typeof createCronTriggers>,
): Promise<number> {
  try {
    const listening = await server.listen(port, serveConfig.host);
    await slack?.start();
    cron.start();
    return listening;
  } catch (err) {
    await server.shutdown(0).catch(() => undefined);
    await state.close();
    throw new CliError(`cannot listen on ${serveConfig.host}:${port}: ${describeError(err)}`);
  }
}

async function drainOnSignal(
  { serveConfig }: ServeSetup,
  server: ServeServer,
  state: StateDb,
  cron: ReturnType<typeof createCronTriggers>,
): Promise<void> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  notice(`serve: ${signal}: no new triggers; waiting up to ${serveConfig.shutdown.drain_seconds} s for ${server.inFlight()} running`);
  cron.stop();
  const drained = await server.shutdown(serveConfig.shutdown.drain_seconds * 1000);
  await state.close();
  notice(`serve: stopped (${drained.drained} finished, ${drained.interrupted} interrupted)`);
}
