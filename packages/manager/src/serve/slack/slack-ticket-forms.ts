import type { Agent } from '@ecm/core/domain';
import { context, md, section } from '@ecm/core/slack';
import { errorText } from '@ecm/core/text';
import type { WebClient } from '@slack/web-api';
import { feedbackOf, type ModalContext } from './modals.js';
import { VIEW } from './slack-actions.js';
import { onSubmit } from './slack-form.js';
import type { SlackHandlerDeps } from './slack-handler.js';
import { escalateTicket, resolveTicket, type EscalationNotice } from './ticket-actions.js';

/** Posts an escalation to the team's channel; without one, the thread the button was in (never a customer detail: the order id only). */
async function announceEscalation(
  client: WebClient,
  agent: Agent,
  ctx: ModalContext,
  e: Parameters<EscalationNotice>[0],
  team: string,
  teamChannel: string | null,
): ReturnType<EscalationNotice> {
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
}

/** The resolve form (notes and feedback) and the escalate form (a reason, announced to the team). */
export function registerTicketForms(deps: SlackHandlerDeps): void {
  const d = deps.actions;
  onSubmit(deps, VIEW.resolve, 'notes', 'the resolution notes', async (_client, _user, agent, ctx, notes, submission) => {
    const feedback = feedbackOf(submission);
    if ('invalid' in feedback)
      return { ok: false, message: `The answer to ${feedback.invalid} is not one of its choices; nothing was resolved.` };
    return resolveTicket(d, agent, ctx.subject, { notes, ...feedback });
  });
  onSubmit(deps, VIEW.escalate, 'reason', 'the escalation reason', async (client, _user, agent, ctx, reason) =>
    escalateTicket(d, agent, ctx.subject, reason, (e, team, teamChannel) => announceEscalation(client, agent, ctx, e, team, teamChannel)),
  );
}
