import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agent, EcmConfig, TicketStore } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { escalateModal, feedbackOf, readSubmission, rejectModal, resolveModal, type ModalContext } from './modals.js';
import { orderAnswer } from './order-answer.js';
import { decideProposal } from './proposal-decision.js';
import { answerReportQuestion } from './report-question.js';
import { ACTION, VIEW } from './slack-actions.js';
import { agentOfSlackUser } from './slack-identity.js';
import {
  checkedFreeText,
  escalateTicket,
  ownOpenTicket,
  resolveTicket,
  startTicket,
  type ActionResult,
  type TicketActionDeps,
} from './ticket-actions.js';
import type { Trigger, TriggerGate, TriggerOutcome } from './trigger-gate.js';
import { errorText } from '@ecm/core/text';
import { md, section, context } from '@ecm/core/slack';

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

const MENTION = /<@[A-Z0-9]+(\|[^>]*)?>/g;
const ORDER_FIRST = /^([A-Z]{2,}[-_][A-Za-z0-9][A-Za-z0-9_.:-]{0,62})(?:\s|$)/;

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
  const d: TicketActionDeps & { domain: string; env: NodeJS.ProcessEnv } = {
    config: deps.config,
    state: deps.state,
    tickets: deps.tickets,
    warehouse: deps.warehouse,
    now: deps.now ?? (() => new Date()),
    domain: deps.domain,
    env: deps.env ?? process.env,
  };

  /** Admits the trigger, runs the work, records its outcome; a refusal is told to `refused` (unless it was a retry). */
  async function gated(
    trigger: Omit<Trigger, 'domain' | 'source'>,
    retry: boolean,
    refused: (reason: string) => Promise<void>,
    work: () => Promise<{ outcome: TriggerOutcome; detail?: string }>,
  ): Promise<void> {
    const admission = await deps.gate.admit({ domain: deps.domain, source: 'slack', ...trigger });
    if (!admission.ok) {
      if (!retry)
        await refused(admission.reason).catch((err: unknown) => log(`slack: could not say a trigger was refused: ${String(err)}`));
      return;
    }
    let result: { outcome: TriggerOutcome; detail?: string } = { outcome: 'failed', detail: 'unfinished' };
    try {
      result = await work();
    } catch (err) {
      result = { outcome: 'failed', detail: errorText(err) };
      log(`slack: ${trigger.kind} failed: ${result.detail}`);
    } finally {
      await admission.finish(result.outcome, result.detail);
    }
  }

  /** A private line to the person who clicked: ephemeral in the channel, else a direct message. */
  async function tell(client: WebClient, user: string, channel: string | null, threadTs: string | null, text: string): Promise<void> {
    const blocks = [section(md`${text}`)];
    if (channel) await client.chat.postEphemeral({ channel, user, text, blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
    else await client.chat.postMessage({ channel: user, text, blocks });
  }

  const outcomeOf = (r: ActionResult) => ({ outcome: r.ok ? ('done' as const) : ('refused' as const), detail: r.message });

  // ---- Mentions -------------------------------------------------------------------------------------
  app.event('app_mention', async ({ event, body, client, context }) => {
    const text = (event.text ?? '').replace(MENTION, ' ').trim();
    const user = event.user;
    const threadTs = event.thread_ts ?? event.ts;
    const orderId = ORDER_FIRST.exec(text)?.[1];
    const reply = async (post: { text: string; blocks: unknown[] }) => {
      await client.chat.postMessage({ channel: event.channel, thread_ts: threadTs, text: post.text, blocks: post.blocks as never });
    };
    const plainReply = async (line: string) => {
      await reply({ text: line, blocks: [section(md`${line}`)] });
    };
    const eventId =
      typeof (body as { event_id?: unknown }).event_id === 'string'
        ? (body as { event_id: string }).event_id
        : `${event.channel}:${event.ts}`;
    await gated(
      {
        kind: orderId ? 'order_diagnosis' : 'report_question',
        dedupeKey: `slack:event:${eventId}`,
        detail: { channel: event.channel, user: user ?? null, thread_ts: threadTs, ...(orderId ? { order_id: orderId } : {}) },
      },
      Boolean(context.retryNum),
      (reason) => plainReply(`Not now: ${reason}`),
      async () => {
        if (!user) return { outcome: 'refused', detail: 'no user on the mention' };
        const who = await agentOfSlackUser(client, d.tickets, user);
        if (!who.ok) {
          await plainReply(`Sorry, I cannot answer you: ${who.problem}.`);
          return { outcome: 'refused', detail: who.problem };
        }
        if (orderId) await reply(await orderAnswer(d, who.agent, orderId));
        else await reply(await answerReportQuestion(d, who.agent, event.thread_ts, text));
        return { outcome: 'done' };
      },
    );
  });

  // ---- Buttons ----------------------------------------------------------------------------------------
  interface Click {
    readonly user: string;
    readonly value: string;
    readonly triggerId: string;
    readonly channel: string | null;
    readonly threadTs: string | null;
    readonly actionTs: string;
  }
  function clickOf(body: unknown): Click | null {
    const b = body as {
      user?: { id?: string };
      actions?: { value?: string; action_ts?: string }[];
      trigger_id?: string;
      channel?: { id?: string };
      message?: { ts?: string; thread_ts?: string };
    };
    const action = b.actions?.[0];
    if (!b.user?.id || !action?.value || !b.trigger_id) return null;
    return {
      user: b.user.id,
      value: action.value,
      triggerId: b.trigger_id,
      channel: b.channel?.id ?? null,
      threadTs: b.message?.thread_ts ?? b.message?.ts ?? null,
      actionTs: action.action_ts ?? b.trigger_id,
    };
  }

  function onClick(
    actionId: string,
    work: (client: WebClient, click: Click, agent: Agent) => Promise<{ outcome: TriggerOutcome; detail?: string }>,
  ) {
    app.action(actionId, async ({ ack, body, client, context }) => {
      await ack(); // first: Slack's 3-second rule; everything below is answered by message
      const click = clickOf(body);
      if (!click) return;
      const say = (text: string) => tell(client, click.user, click.channel, click.threadTs, text);
      await gated(
        { kind: actionId, dedupeKey: `slack:action:${click.user}:${click.actionTs}`, detail: { user: click.user, subject: click.value } },
        Boolean(context.retryNum),
        (reason) => say(`Not now: ${reason}`),
        async () => {
          const who = await agentOfSlackUser(client, d.tickets, click.user);
          if (!who.ok) {
            await say(`Sorry, you cannot act on this: ${who.problem}.`);
            return { outcome: 'refused', detail: who.problem };
          }
          return work(client, click, who.agent);
        },
      );
    });
  }

  const contextOf = (click: Click): ModalContext => ({ subject: click.value, channel: click.channel, thread_ts: click.threadTs });

  onClick(ACTION.start, async (client, click, agent) => {
    const r = await startTicket(d, agent, click.value);
    await tell(client, click.user, click.channel, click.threadTs, r.message);
    return outcomeOf(r);
  });
  onClick(ACTION.resolve, async (client, click, agent) => {
    const own = await ownOpenTicket(d, agent, click.value, 'resolve');
    if (!own.ok || !own.ticket) {
      await tell(client, click.user, click.channel, click.threadTs, own.message);
      return outcomeOf(own);
    }
    await client.views.open({ trigger_id: click.triggerId, view: resolveModal(contextOf(click), own.ticket.status === 'ESCALATED') });
    return { outcome: 'done', detail: 'resolve form opened' };
  });
  onClick(ACTION.escalate, async (client, click, agent) => {
    const own = await ownOpenTicket(d, agent, click.value, 'escalate');
    if (!own.ok) {
      await tell(client, click.user, click.channel, click.threadTs, own.message);
      return outcomeOf(own);
    }
    await client.views.open({ trigger_id: click.triggerId, view: escalateModal(contextOf(click)) });
    return { outcome: 'done', detail: 'escalate form opened' };
  });
  onClick(ACTION.approve, async (client, click, agent) => {
    const r = await decideProposal(d.state, d.domain, click.value, 'approved', agent, null, d.now());
    await tell(client, click.user, click.channel, click.threadTs, r.message);
    return outcomeOf(r);
  });
  onClick(ACTION.reject, async (client, click) => {
    await client.views.open({ trigger_id: click.triggerId, view: rejectModal(contextOf(click)) });
    return { outcome: 'done', detail: 'reject form opened' };
  });

  // ---- Modals -----------------------------------------------------------------------------------------
  function onSubmit(
    callbackId: string,
    field: 'notes' | 'reason',
    what: string,
    work: (
      client: WebClient,
      user: string,
      agent: Agent,
      context: ModalContext,
      text: string,
      submission: NonNullable<ReturnType<typeof readSubmission>>,
    ) => Promise<ActionResult>,
  ) {
    app.view(callbackId, async ({ ack, body, view, client, context }) => {
      const submission = readSubmission(view);
      if (!submission) {
        await ack({ response_action: 'errors', errors: { [field]: 'This form is out of date; close it and click the button again.' } });
        return;
      }
      // Checked before the ack (no I/O), so a bad entry is shown on the form itself.
      const text = await checkedFreeText(what, submission.text(field));
      if (!text.ok) {
        await ack({ response_action: 'errors', errors: { [field]: text.problem.slice(0, 150) } });
        return;
      }
      await ack();
      const user = body.user.id;
      const ctx = submission.context;
      const say = (line: string) => tell(client, user, ctx.channel, ctx.thread_ts, line);
      await gated(
        { kind: callbackId, dedupeKey: `slack:view:${submission.viewId}`, detail: { user, subject: ctx.subject } },
        Boolean(context.retryNum),
        (reason) => say(`Not now: ${reason}`),
        async () => {
          const who = await agentOfSlackUser(client, d.tickets, user);
          if (!who.ok) {
            await say(`Sorry, you cannot act on this: ${who.problem}.`);
            return { outcome: 'refused', detail: who.problem };
          }
          const r = await work(client, user, who.agent, ctx, text.text, submission);
          await say(r.message);
          return outcomeOf(r);
        },
      );
    });
  }

  onSubmit(VIEW.resolve, 'notes', 'the resolution notes', async (_client, _user, agent, ctx, notes, submission) => {
    const feedback = feedbackOf(submission);
    if ('invalid' in feedback)
      return { ok: false, message: `The answer to ${feedback.invalid} is not one of its choices; nothing was resolved.` };
    return resolveTicket(d, agent, ctx.subject, { notes, ...feedback });
  });
  onSubmit(VIEW.escalate, 'reason', 'the escalation reason', async (client, _user, agent, ctx, reason) =>
    escalateTicket(d, agent, ctx.subject, reason, async (e, team, teamChannel) => {
      // The team's channel; without one, the thread the button was in (never a customer detail: the order id only).
      const channel = teamChannel ?? ctx.channel;
      if (!channel) return { ok: false, error: `no Slack channel for ${team}` };
      const title = md`:arrow_up: *ECM Escalation* — ${e.order_id} (${team})`;
      const body = md`*${e.order_id}* · ${e.priority} · ${e.currency} ${e.amount.toLocaleString('en-US')} · ${e.stuck_hours} h old · GOMS ${e.order_status}\n*Why:* ${e.reason}`;
      try {
        await client.chat.postMessage({
          channel,
          text: `${title}\n${body}`,
          blocks: [section(title), section(body), context(md`Escalated by ${agent.name} (${e.escalated_by}) from Slack`)],
          ...(teamChannel ? {} : ctx.thread_ts ? { thread_ts: ctx.thread_ts } : {}),
        });
        return { ok: true };
      } catch (err) {
        return { ok: false, error: errorText(err) };
      }
    }),
  );
  onSubmit(VIEW.reject, 'reason', 'the rejection reason', async (_client, _user, agent, ctx, reason) =>
    decideProposal(d.state, d.domain, ctx.subject, 'rejected', agent, reason, d.now()),
  );

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
