import type { Agent } from '@ecm/core/domain';
import type { WebClient } from '@slack/web-api';
import type { ModalContext } from './modals.js';
import { asAgent, gated, tell, type SlackHandlerDeps, type WorkResult } from './slack-handler.js';

/** One button click, as the handlers need it. */
export interface Click {
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

/** A private line back to whoever clicked. */
export const tellClicker = (client: WebClient, click: Click, text: string) => tell(client, click.user, click.channel, click.threadTs, text);

/** Where a form opened from a click reports back. */
export const contextOf = (click: Click): ModalContext => ({ subject: click.value, channel: click.channel, thread_ts: click.threadTs });

/** Registers a button: acknowledged first, then gated, then run as the clicker's ops agent. */
export function onClick(
  deps: SlackHandlerDeps,
  actionId: string,
  work: (client: WebClient, click: Click, agent: Agent) => Promise<WorkResult>,
): void {
  deps.app.action(actionId, async ({ ack, body, client, context }) => {
    await ack(); // first: Slack's 3-second rule; everything below is answered by message
    const click = clickOf(body);
    if (!click) return;
    const say = (text: string) => tellClicker(client, click, text);
    await gated(
      deps,
      { kind: actionId, dedupeKey: `slack:action:${click.user}:${click.actionTs}`, detail: { user: click.user, subject: click.value } },
      Boolean(context.retryNum),
      (reason) => say(`Not now: ${reason}`),
      () => asAgent(deps, client, click.user, say, (agent) => work(client, click, agent)),
    );
  });
}
