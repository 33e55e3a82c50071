import { orderDetailsShape, type OrderDetails } from '@ecm/core/domain';
import { z } from 'zod';
import { orderDetails } from '../orders/order-details.js';
import { defineTool } from './define-tool.js';
import { money, orderIdInput, READ_ONLY } from './tool-inputs.js';

function detailsText(d: OrderDetails): string {
  const o = d.order;
  const lines = [
    `Order ${d.order_id}: GOMS ${o.status ?? 'none'} / ${o.sub_state ?? 'none'}, ${o.send_amount === null ? '?' : money.format(o.send_amount)} ${o.currency ?? ''} via ${o.acquirer ?? 'unknown acquirer'}, ${o.hours} h old`,
    `Customer ${d.customer.full_name ?? '—'}, ${d.customer.email ?? '—'}, ${d.customer.phone ?? '—'}${d.customer.masked ? ' (masked)' : ''}`,
  ];
  if (d.diagnosis) {
    const g = d.diagnosis;
    lines.push(
      `Diagnosis: ${g.stuck_reason} (${g.team}), ${g.priority} score ${g.score}${g.high_value ? ', high value' : ''}${g.monitor_only ? ', monitor only' : ''}`,
    );
    lines.push(`  ${g.summary}`, `  Action: ${g.action}`, `  Runbook: ${g.runbook}; escalate to ${g.escalation}; SLA ${g.sla_hours} h`);
    lines.push(`  Score: ${g.factors.map((f) => `${f.factor} ${f.value}×${f.weight}`).join(' + ')}`);
    if (g.disqualification) lines.push(`  Disqualified: ${g.disqualification.reason} — ${g.disqualification.explain}`);
  } else if (d.not_a_candidate) lines.push(d.not_a_candidate);
  lines.push(
    'Systems:',
    ...d.systems.map(
      (s) =>
        `  ${s.system}: ${[s.status, s.sub_status].filter(Boolean).join(' / ') || 'record'}${s.detail ? ` (${s.detail})` : ''}${s.records > 1 ? `, ${s.records} records` : ''}`,
    ),
  );
  lines.push(
    'Timeline (UTC):',
    ...d.timeline.map(
      (e) => `  ${e.at} ${e.system} ${e.event === 'created' ? 'created' : 'last update'}${e.status ? ` — ${e.status}` : ''}`,
    ),
  );
  for (const w of d.warnings) lines.push(`Warning: ${w}`);
  return lines.join('\n');
}

export const ecmOrderDetails = defineTool({
  name: 'ecm_order_details',
  title: 'One order across every system',
  description: [
    'Everything known about one order: its status and timestamps in every system (GOMS, payments, Falcon, payout attempts, Lulu, RFI, TRM, UAE manual, Checkout, RDA) as a timeline, the diagnosis (stuck reason, what is wrong, what to do, runbook, escalation), the priority score broken into its factors, and the disqualification if any.',
    'Warnings flag stale data (an RFI row modified more than 4 h ago: check the live console).',
    "The customer's name, email and phone are masked unless `reveal_pii` is true, the gateway allows it and the caller is the assignee of an open ticket on the order or a supervisor; every reveal is recorded. `reveal_refused` says why a reveal was refused.",
    'An unknown order id is an error. Timestamps are UTC.',
  ].join(' '),
  input: {
    order_id: orderIdInput.describe('The GOMS order id'),
    reveal_pii: z
      .boolean()
      .default(false)
      .describe("Show the customer's name, email and phone unmasked (only when a person asked for this order's details)"),
  },
  output: orderDetailsShape,
  annotations: READ_ONLY,
  async run(ctx, args, caller) {
    const details = await orderDetails(ctx, args.order_id, { revealPii: args.reveal_pii }, caller);
    return { structured: details, text: detailsText(details) };
  },
});
