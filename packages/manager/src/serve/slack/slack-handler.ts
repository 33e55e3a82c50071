import type { Agent } from '@ecm/core/domain';
import { md, section } from '@ecm/core/slack';
import { errorText } from '@ecm/core/text';
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { agentOfSlackUser } from './slack-identity.js';
import type { ActionResult, TicketActionDeps } from './ticket-actions.js';
import type { Trigger, TriggerGate, TriggerOutcome } from './trigger-gate.js';

/** What every Slack handler works with: the app to register on, the ticket actions' stores, the gate. */
export interface SlackHandlerDeps {
  readonly app: App;
  readonly actions: TicketActionDeps & { readonly domain: string; readonly env: NodeJS.ProcessEnv };
  readonly gate: TriggerGate;
  readonly log: (line: string) => void;
}

export type WorkResult = { outcome: TriggerOutcome; detail?: string };

/** Admits the trigger, runs the work, records its outcome; a refusal is told to `refused` (unless it was a retry). */
export async function gated(
  deps: SlackHandlerDeps,
  trigger: Omit<Trigger, 'domain' | 'source'>,
  retry: boolean,
  refused: (reason: string) => Promise<void>,
  work: () => Promise<WorkResult>,
): Promise<void> {
  const { log } = deps;
  const admission = await deps.gate.admit({ domain: deps.actions.domain, source: 'slack', ...trigger });
  if (!admission.ok) {
    if (!retry) await refused(admission.reason).catch((err: unknown) => log(`slack: could not say a trigger was refused: ${String(err)}`));
    return;
  }
  let result: WorkResult = { outcome: 'failed', detail: 'unfinished' };
  try {
    result = await work();
  } catch (err) {
    result = { outcome: 'failed', detail: errorText(err) };
    log(`slack: ${trigger.kind} failed: ${result.detail}`);
  } finally {
    await admission.finish(result.outcome, result.detail);
  }
}

/** Runs `work` as the ops agent behind a Slack user; anyone else is told why not. */
export async function asAgent(
  deps: SlackHandlerDeps,
  client: WebClient,
  user: string,
  say: (line: string) => Promise<void>,
  work: (agent: Agent) => Promise<WorkResult>,
): Promise<WorkResult> {
  const who = await agentOfSlackUser(client, deps.actions.tickets, user);
  if (!who.ok) {
    await say(`Sorry, you cannot act on this: ${who.problem}.`);
    return { outcome: 'refused', detail: who.problem };
  }
  return work(who.agent);
}

/** A private line to the person who clicked: ephemeral in the channel, else a direct message. */
export async function tell(client: WebClient, user: string, channel: string | null, threadTs: string | null, text: string): Promise<void> {
  const blocks = [section(md`${text}`)];
  if (channel) await client.chat.postEphemeral({ channel, user, text, blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
  else await client.chat.postMessage({ channel: user, text, blocks });
}

export const outcomeOf = (r: ActionResult): WorkResult => ({
  outcome: r.ok ? ('done' as const) : ('refused' as const),
  detail: r.message,
});
