import type { Agent } from '@ecm/core/domain';
import type { WebClient } from '@slack/web-api';
import { readSubmission, type ModalContext } from './modals.js';
import { asAgent, gated, outcomeOf, tell, type SlackHandlerDeps } from './slack-handler.js';
import { checkedFreeText, type ActionResult } from './ticket-actions.js';

export type Submission = NonNullable<ReturnType<typeof readSubmission>>;

/** A form's work: what the checked free text leads to, told back to the person who submitted it. */
export type FormWork = (
  client: WebClient,
  user: string,
  agent: Agent,
  context: ModalContext,
  text: string,
  submission: Submission,
) => Promise<ActionResult>;

/**
 * Registers a modal's submission. An outdated form or bad free text is shown on the form itself
 * (checked before the ack, no I/O); anything else is acknowledged, gated and told by message.
 */
export function onSubmit(deps: SlackHandlerDeps, callbackId: string, field: 'notes' | 'reason', what: string, work: FormWork): void {
  deps.app.view(callbackId, async ({ ack, body, view, client, context }) => {
    const submission = readSubmission(view);
    if (!submission) {
      await ack({ response_action: 'errors', errors: { [field]: 'This form is out of date; close it and click the button again.' } });
      return;
    }
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
      deps,
      { kind: callbackId, dedupeKey: `slack:view:${submission.viewId}`, detail: { user, subject: ctx.subject } },
      Boolean(context.retryNum),
      (reason) => say(`Not now: ${reason}`),
      () =>
        asAgent(deps, client, user, say, async (agent) => {
          const r = await work(client, user, agent, ctx, text.text, submission);
          await say(r.message);
          return outcomeOf(r);
        }),
    );
  });
}
