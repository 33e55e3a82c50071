import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EcmConfig, TicketStore } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger } from '@slack/bolt';
import type { SlackHandlerDeps } from './slack-handler.js';
import { registerMention } from './slack-mention.js';
import { registerProposalDecisions } from './slack-proposal-decisions.js';
import { registerTicketButtons } from './slack-ticket-buttons.js';
import { registerTicketForms } from './slack-ticket-forms.js';
import type { TriggerGate } from './trigger-gate.js';

export type { Admission, Trigger, TriggerGate, TriggerOutcome } from './trigger-gate.js';
export { ACTION, VIEW, proposalButtons, ticketButtons } from './slack-actions.js';

/** How the app reaches Slack. Socket Mode with an app token; the Events API over HTTP with a signing secret. */
export interface SlackConnection {
  readonly botToken: string;
  readonly appToken?: string;
  readonly signingSecret?: string;
  /** The Web API's base URL (a local stand-in in tests); default https://slack.com/api/. */
  readonly apiUrl?: string;
}

export interface SlackTriggerDeps {
  readonly slack: SlackConnection;
  readonly config: EcmConfig;
  readonly state: StateDb;
  readonly tickets: TicketStore;
  readonly warehouse: () => Promise<Warehouse>;
  /** The domain this app serves (from the domains configuration). */
  readonly domain: string;
  readonly gate: TriggerGate;
  /** For the LLM credentials; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  /** One line per problem the app met (default: stderr). */
  readonly log?: (line: string) => void;
}

export interface SlackTrigger {
  /** HTTP mode: the serve server routes `POST /slack/events` here (Bolt verifies the signature). */
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The Slack settings from the environment; undefined without a bot token or a way in. */
export function slackConnectionFromEnv(env: NodeJS.ProcessEnv): SlackConnection | undefined {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  const appToken = env.SLACK_APP_TOKEN?.trim();
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim();
  if (!botToken || (!appToken && !signingSecret)) return undefined;
  return {
    botToken,
    ...(appToken ? { appToken } : {}),
    ...(signingSecret ? { signingSecret } : {}),
    ...(env.SLACK_API_URL?.trim() ? { apiUrl: env.SLACK_API_URL.trim() } : {}),
  };
}

/** Bolt's own log lines go to ours, errors and warnings only (its info lines are about connecting). */
function boltLogger(log: (line: string) => void): Logger {
  let level = LogLevel.WARN;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...m: unknown[]) => log(`slack: ${m.map(String).join(' ')}`),
    error: (...m: unknown[]) => log(`slack: ${m.map(String).join(' ')}`),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * The Slack app: `@ecm ORD-…` and `@ecm <question>` mentions, the ticket and proposal buttons and
 * their modals. Every trigger passes the gate first; every click is acknowledged before any work.
 * Undefined when Slack is not configured (no bot token, or neither an app token nor a signing secret).
 */
export function createSlackTrigger(deps: SlackTriggerDeps): SlackTrigger | undefined {
  const { slack } = deps;
  if (!slack.botToken || (!slack.appToken && !slack.signingSecret)) return undefined;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const logger = boltLogger(log);
  const clientOptions = slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {};
  const socket = Boolean(slack.appToken);
  const receiver = slack.appToken
    ? new SocketModeReceiver({ appToken: slack.appToken, logger, installerOptions: { clientOptions } })
    : new HTTPReceiver({ signingSecret: slack.signingSecret!, endpoints: '/slack/events', logger });
  const app = new App({ token: slack.botToken, receiver, logger, clientOptions });
  const handlers: SlackHandlerDeps = {
    app,
    gate: deps.gate,
    log,
    actions: {
      config: deps.config,
      state: deps.state,
      tickets: deps.tickets,
      warehouse: deps.warehouse,
      now: deps.now ?? (() => new Date()),
      domain: deps.domain,
      env: deps.env ?? process.env,
    },
  };
  registerMention(handlers);
  registerTicketButtons(handlers);
  registerProposalDecisions(handlers);
  registerTicketForms(handlers);
  app.error(async (err) => {
    log(`slack: ${err.message}`);
  });

  return {
    ...(receiver instanceof HTTPReceiver ? { requestListener: receiver.requestListener } : {}),
    async start() {
      if (socket) await app.start();
    },
    async stop() {
      if (socket) await app.stop();
    },
  };
}
