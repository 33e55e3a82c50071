import { md, section } from '@ecm/core/slack';
import { orderAnswer } from './order-answer.js';
import { answerReportQuestion } from './report-question.js';
import { gated, type SlackHandlerDeps } from './slack-handler.js';
import { agentOfSlackUser } from './slack-identity.js';

const MENTION = /<@[A-Z0-9]+(\|[^>]*)?>/g;
const ORDER_FIRST = /^([A-Z]{2,}[-_][A-Za-z0-9][A-Za-z0-9_.:-]{0,62})(?:\s|$)/;

/** `@ecm ORD-…` answers about an order; any other `@ecm <question>` is a question about the reports. */
export function registerMention(deps: SlackHandlerDeps): void {
  const d = deps.actions;
  deps.app.event('app_mention', async ({ event, body, client, context }) => {
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
      deps,
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
}
