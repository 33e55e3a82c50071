import {
  fitToLimits,
  formatCount,
  formatHours,
  header,
  md,
  section,
  trustedMrkdwn,
  type SlackMessage,
  type TrustedMrkdwn,
} from '@ecm/core/slack';
import type { Ticket } from '@ecm/core/domain';

export interface SlaAlert {
  readonly ticket: Ticket;
  /** BREACH, or a ladder level (L1, L2, L3). */
  readonly level: string;
  readonly meaning: string;
  readonly team: string;
  readonly order_hours: number;
  readonly sla_left_minutes: number;
  /** Mentions (or plain names) of who must act. */
  readonly tags: readonly TrustedMrkdwn[];
  /** undefined: the report channel. */
  readonly channel: string | undefined;
}

const MAIN_LINES = 6;
const REPLY_LINES = 10;
const ICON: Record<string, string> = {
  L3: ':red_circle:',
  L2: ':large_orange_circle:',
  BREACH: ':hourglass:',
  L1: ':large_yellow_circle:',
};
const RANK: Record<string, number> = { L3: 0, L2: 1, BREACH: 2, L1: 3 };

function line(a: SlaAlert): string {
  const t = a.ticket;
  const sla =
    a.sla_left_minutes < 0
      ? md`SLA over by ${formatHours(-a.sla_left_minutes / 60)}`
      : md`SLA left ${formatHours(a.sla_left_minutes / 60)}`;
  const tags = trustedMrkdwn(a.tags.map((x) => x.mrkdwn).join(' '));
  return md`${trustedMrkdwn(ICON[a.level] ?? '•')} *${a.level}* ${a.meaning} — \`${t.order_id}\` ${t.priority} · ${t.currency} ${formatCount(t.amount)} · ${formatHours(a.order_hours)} old · ${trustedMrkdwn(sla)} · ${t.diagnosis} → ${tags}`;
}

/** One message per channel per run (never one per ticket): the channel stays readable. */
export function renderSlaMessages(reportTime: string, alerts: readonly SlaAlert[]): SlackMessage[] {
  const byChannel = new Map<string, SlaAlert[]>();
  for (const a of alerts) byChannel.set(a.channel ?? '', [...(byChannel.get(a.channel ?? '') ?? []), a]);
  return [...byChannel.entries()]
    .sort((x, y) => x[0].localeCompare(y[0]))
    .map(([channel, mine]) => {
      const sorted = [...mine].sort(
        (a, b) =>
          (RANK[a.level] ?? 9) - (RANK[b.level] ?? 9) ||
          b.order_hours - a.order_hours ||
          a.ticket.order_id.localeCompare(b.ticket.order_id),
      );
      const counts = ['L3', 'L2', 'BREACH', 'L1']
        .map((l) => [l, sorted.filter((a) => a.level === l).length] as const)
        .filter(([, n]) => n > 0);
      const summary = counts.map(([l, n]) => `${formatCount(n)} ${l === 'BREACH' ? 'SLA breached' : l}`).join(' · ');
      // The most urgent lines in the message; the rest in thread replies, so the channel shows one post per run.
      const lines = sorted.map(line);
      const chunks: string[][] = [];
      for (let i = MAIN_LINES; i < lines.length; i += REPLY_LINES) chunks.push(lines.slice(i, i + REPLY_LINES));
      const more = lines.length > MAIN_LINES ? `\n_…and ${formatCount(lines.length - MAIN_LINES)} more in the thread_` : '';
      const message: SlackMessage = {
        title: `:rotating_light: *ECM SLA watch* — ${reportTime}`,
        text: md`SLA watch: ${summary}`,
        blocks: [header(`ECM SLA watch — ${reportTime}`), section(md`${summary}`), section(lines.slice(0, MAIN_LINES).join('\n') + more)],
        thread: chunks.map((chunk, i) => ({ text: `SLA watch ${i + 2}/${chunks.length + 1}`, blocks: [section(chunk.join('\n'))] })),
        ...(channel ? { channel } : {}),
      };
      return fitToLimits(message);
    });
}
