import { oneLine, terminalSafeDeep } from '@ecm/core/text';
import type { QueueEntry, TodayStats } from '../tickets/my-queue.js';
import { formatMinutes, type SlaBand } from '../tickets/sla-clock.js';
import { formatAge, formatMoney } from './money.js';
import type { Style } from './style.js';
import { textTable } from './text-table.js';

export function paintBand(style: Style, band: SlaBand, text: string): string {
  switch (band) {
    case 'BREACHED':
      return style.bold(style.red(text));
    case 'CRITICAL':
      return style.red(text);
    case 'WARNING':
      return style.yellow(text);
    case 'OK':
      return style.green(text);
  }
}

const liveText = (e: QueueEntry) => (e.live ? [e.live.status, e.live.sub_state].filter(Boolean).join(' / ') || 'unknown' : '—');

/** The queue as a table, each ticket followed by its next action. */
export function renderQueue(entries: readonly QueueEntry[], style: Style): string {
  const table = textTable<QueueEntry>(
    [
      { header: 'PRI', value: (e) => e.priority, paint: (t, e) => (e.priority === 'P1' ? style.bold(t) : t) },
      { header: 'ORDER', value: (e) => e.order_id },
      { header: 'REASON', value: (e) => e.stuck_reason, max: 40 },
      { header: 'AMOUNT', value: (e) => formatMoney(e.amount, e.currency), align: 'right' },
      { header: 'AGE', value: (e) => formatAge(e.order_hours), align: 'right' },
      {
        header: 'SLA LEFT',
        value: (e) => formatMinutes(e.sla.remaining_minutes),
        align: 'right',
        paint: (t, e) => paintBand(style, e.sla.band, t),
      },
      { header: 'BAND', value: (e) => e.sla.band, paint: (t, e) => paintBand(style, e.sla.band, t) },
      { header: 'TICKET', value: (e) => e.status },
      { header: 'GOMS NOW', value: liveText, max: 44, paint: (t, e) => (e.completed ? style.green(t) : t) },
    ],
    entries,
  );
  const [head, ...rows] = table.split('\n');
  const out = [style.dim(head ?? '')];
  rows.forEach((row, i) => {
    const e = terminalSafeDeep(entries[i] as QueueEntry);
    out.push(row, `     ${e.completed ? style.green(`✔ ${e.next_action}`) : style.dim(`→ ${e.next_action}`)}`);
  });
  return out.join('\n');
}

export function renderStats(stats: TodayStats): string {
  const parts = [
    `${stats.resolved} resolved`,
    stats.avg_minutes === null ? null : `avg ${formatMinutes(stats.avg_minutes)}`,
    stats.sla_met_pct === null ? null : `SLA met ${stats.sla_met_pct}%`,
    `${stats.escalated} escalated`,
    stats.self_healed ? `${stats.self_healed} closed themselves (self-healed)` : null,
  ].filter((p): p is string => p !== null);
  return `Today: ${parts.join(' · ')}`;
}

export function renderHeader(
  agent: { readonly name: string; readonly email: string; readonly team: string },
  open: number,
  when: string,
  style: Style,
): string {
  return `${style.bold(oneLine(agent.name))} (${oneLine(agent.email)}, ${agent.team}) — ${open} open ticket${open === 1 ? '' : 's'} · ${when}`;
}
