import type { Ticket } from '@ecm/core/domain';
import { terminalSafeDeep } from '@ecm/core/text';
import type { FieldAnswer } from '@ecm/gateway/field-schemas';
import type { RunbookParts } from '../content/runbook-sections.js';
import type { OrderDetails } from '../gateway/order-details-schema.js';
import { formatMinutes, type SlaClock } from '../tickets/sla-clock.js';
import { formatMoney } from './money.js';
import { paintBand } from './my-tickets-view.js';
import type { Style } from './style.js';
import { textTable } from './text-table.js';
import { shortTime, zoneLabel } from './when.js';

export interface OrderView {
  readonly details: OrderDetails;
  readonly ticket: Ticket | null;
  readonly sla: SlaClock | null;
  /** The ticket is the caller's own. */
  readonly yours: boolean;
  readonly runbook: RunbookParts | null;
  readonly escalation: FieldAnswer<'field_order_context'>['escalation'];
}

const aed = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function headline(v: OrderView): string {
  const { details: d } = v;
  const g = d.diagnosis;
  const money = d.order.send_amount === null ? 'amount unknown' : formatMoney(d.order.send_amount, d.order.currency ?? '');
  const parts = [d.order_id];
  if (g) parts.push(g.stuck_reason, g.team, g.priority, `${money} (AED ${aed.format(g.amount_aed)})`, `${d.order.hours} h`, g.category);
  else parts.push(money, `${d.order.hours} h`);
  return parts.join(' · ');
}

function ticketLine(v: OrderView, tz: string, style: Style): string {
  const t = v.ticket;
  if (!t) return "Ticket: none (not in anyone's queue)";
  const whose = v.yours ? 'yours' : `assigned to ${t.agent_email}`;
  const sla =
    v.sla && t.status !== 'RESOLVED'
      ? `, SLA ${formatMinutes(v.sla.remaining_minutes)} left — ${paintBand(style, v.sla.band, v.sla.band)}`
      : '';
  return `Ticket: ${whose} (${t.status}, assigned ${shortTime(t.assigned_at, tz)} ${zoneLabel(tz)}${sla})`;
}

type Diagnosis = NonNullable<OrderDetails['diagnosis']>;

export function renderOrder(view: OrderView, timeZone: string, style: Style): string {
  // Every value comes from the warehouse, the ticket store or shared files: printed without control characters.
  const v = terminalSafeDeep(view);
  const d = v.details;
  const g = d.diagnosis;
  const out: string[] = [
    ...summaryLines(v, timeZone, style),
    ...timelineLines(d, timeZone, style),
    ...whatIsWrongLines(v, style),
    ...(g ? whatToDoLines(g, v, style) : []),
    ...(v.escalation ? escalationLines(v.escalation, style) : []),
  ];
  if (d.warnings.length) out.push('', ...d.warnings.map((w) => style.yellow(`⚠ ${w}`)));
  return out.join('\n');
}

function summaryLines(v: OrderView, timeZone: string, style: Style): string[] {
  const g = v.details.diagnosis;
  const out: string[] = [style.bold(headline(v))];
  if (g?.high_value) out.push(style.yellow('HIGH VALUE — supervisor approval needed for refunds and status corrections'));
  if (g?.customer_impact) out.push(style.yellow("Customer impact — the customer's money is held"));
  out.push(ticketLine(v, timeZone, style));
  const c = v.details.customer;
  out.push(
    `Customer: ${[c.full_name, c.email, c.phone].map((x) => x ?? '—').join(' · ')}${c.masked ? style.dim(' (masked; --reveal-pii shows it for this order)') : style.yellow(' (unmasked on request: never copy into notes, Slack or escalations)')}`,
  );
  return out;
}

function timelineLines(d: OrderDetails, timeZone: string, style: Style): string[] {
  const out: string[] = ['', style.bold(`Timeline (${zoneLabel(timeZone)})`)];
  out.push(
    textTable(
      [
        { header: 'WHEN', value: (e: OrderDetails['timeline'][number]) => shortTime(e.at, timeZone) },
        { header: 'SYSTEM', value: (e) => e.system },
        { header: 'EVENT', value: (e) => (e.event === 'created' ? 'created' : 'updated') },
        { header: 'STATUS', value: (e) => e.status ?? '—' },
        { header: 'DETAIL', value: (e) => e.detail ?? '', max: 40 },
      ],
      d.timeline,
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  const present = new Set(d.systems.map((s) => s.system));
  const absent = ['payment', 'falcon', 'payout', 'lulu', 'rfi', 'trm', 'rda'].filter((system) => !present.has(system));
  if (absent.length) out.push(style.dim(`  no record in: ${absent.join(', ')}`));
  return out;
}

function whatIsWrongLines(v: OrderView, style: Style): string[] {
  const d = v.details;
  const g = d.diagnosis;
  const out: string[] = ['', style.bold('What is wrong')];
  if (g) {
    out.push(`  ${g.summary}`);
    if (v.runbook?.whatIsWrong) out.push(`  ${v.runbook.whatIsWrong}`);
  } else out.push(`  Not a stuck order: ${d.not_a_candidate ?? 'no diagnosis'}`);
  return out;
}

function whatToDoLines(g: Diagnosis, v: OrderView, style: Style): string[] {
  const out: string[] = ['', style.bold(`What to do (${g.runbook})`)];
  out.push(`  On the ticket: ${g.action}`);
  (v.runbook?.steps ?? []).forEach((step, i) => {
    out.push(`  ${i + 1}. ${step}`);
  });
  out.push('', style.bold(`Score ${g.score.toFixed(3)} → ${g.priority}`));
  out.push(
    textTable(
      [
        { header: 'FACTOR', value: (f: Diagnosis['factors'][number]) => f.factor },
        { header: 'VALUE', value: (f) => String(f.value), align: 'right' },
        { header: 'WEIGHT', value: (f) => String(f.weight), align: 'right' },
        { header: 'POINTS', value: (f) => f.contribution.toFixed(4), align: 'right' },
      ],
      g.factors,
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  if (g.disqualification) out.push('', style.yellow(`Disqualified: ${g.disqualification.reason} — ${g.disqualification.explain}`));
  else if (g.monitor_only) out.push('', style.dim('Monitor only: counted in the backlog, never assigned.'));
  return out;
}

function escalationLines(e: NonNullable<OrderView['escalation']>, style: Style): string[] {
  const out: string[] = ['', style.bold('Escalate')];
  const step = e.step
    ? `${e.step.level} at ${e.step.hours} h — ${e.step.meaning}`
    : `below the ${e.contact?.level ?? 'L1'} step of the ladder`;
  out.push(`  Ladder: ${step}`);
  if (e.contact) out.push(`  Team contact: ${e.contact.role} ${e.contact.contact} ${e.contact.slack}`);
  if (e.specialist) out.push(`  For this reason: ${e.specialist.role} ${e.specialist.contact} ${e.specialist.slack}`);
  return out;
}
