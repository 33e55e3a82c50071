import type { TriageResult, TriagedOrder } from '@ecm/core/domain';
import { exactAed } from './exact-amount.js';
import { stuckOrderRecordOf } from '@ecm/core/domain';
import { formatInt, textTable, type Column } from './text-table.js';

const why = (o: TriagedOrder): string =>
  o.disqualified ? `(disq) ${o.disqualified}` : o.monitor_only ? `(monitor) ${o.stuck_reason}` : o.stuck_reason;

/** Fits an 80-column terminal: 51 fixed columns, the reason takes the other 29. */
const COLUMNS: readonly Column<TriagedOrder>[] = [
  { header: 'PRI', width: 3, value: (o) => o.priority },
  { header: 'SCORE', width: 5, align: 'right', value: (o) => o.score.toFixed(3) },
  { header: 'ORDER', width: 12, value: (o) => o.order_id },
  { header: 'CUR', width: 3, value: (o) => o.currency },
  { header: 'AED', width: 9, align: 'right', value: (o) => `${o.high_value ? '*' : ''}${formatInt(o.amount_aed)}` },
  { header: 'HOURS', width: 5, align: 'right', value: (o) => o.hours.toFixed(0) },
  { header: 'TEAM', width: 7, value: (o) => o.team },
  { header: 'REASON', width: 29, value: why },
];

export function renderStuckTable(result: TriageResult, shown: readonly TriagedOrder[], all: boolean): string {
  const s = result.summary;
  const lines: string[] = [];
  if (shown.length === 0) lines.push(all ? 'No candidates match.' : 'No actionable orders match.');
  else lines.push(textTable(COLUMNS, shown));
  lines.push('');
  lines.push(`${formatInt(s.actionable)} actionable, ${exactAed(s.value_at_risk_aed_decimal)} at risk, ${s.high_value} high value (*)`);
  lines.push(
    `${formatInt(s.monitor_only)} monitor-only and ${formatInt(s.disqualified)} disqualified of ${formatInt(s.candidates)} candidates`,
  );
  lines.push(`as of ${result.as_of}; showing ${formatInt(shown.length)}`);
  if (!all) lines.push('(--all includes disqualified and monitor-only orders)');
  if (s.sanity.status !== 'typical') lines.push(`note: ${s.sanity.message}`);
  if (result.quarantined.length) {
    lines.push(`${formatInt(result.quarantined.length)} quarantined (warehouse row failed validation; left out of triage):`);
    for (const q of result.quarantined) lines.push(`  ${q.order_id}  ${q.reason}`);
  }
  return lines.join('\n');
}

const CSV_FIELDS = [
  'order_id',
  'priority',
  'score',
  'currency',
  'send_amount',
  'amount_aed',
  'hours',
  'category',
  'stuck_reason',
  'team',
  'high_value',
  'monitor_only',
  'disqualified',
  'action',
] as const;

export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Quote when needed, and defuse spreadsheet formulas in text that came from data.
  const safe = /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function renderStuckCsv(shown: readonly TriagedOrder[]): string {
  const rows = shown.map((o) => {
    const r = stuckOrderRecordOf(o);
    return CSV_FIELDS.map((f) => csvCell(r[f])).join(',');
  });
  return [CSV_FIELDS.join(','), ...rows].join('\n');
}
