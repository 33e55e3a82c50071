import { clusterOrders, clusterTrends, localDate, TEAMS, trendText, type TriagedOrder } from '@ecm/core/domain';
import type { GatewayContext } from '../gateway-context.js';
import { z } from 'zod';
import { orderDetails, type OrderDetails } from '../orders/order-details.js';
import { defineTool } from './define-tool.js';
import { ToolError } from './tool-error.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
const orderId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'an order id is letters, digits and - _ . :');

const stuckOrder = z.object({
  order_id: z.string(),
  currency: z.string(),
  send_amount: z.number(),
  amount_aed: z.number(),
  hours: z.number(),
  category: z.string(),
  stuck_reason: z.string(),
  team: z.string(),
  priority: z.string(),
  score: z.number(),
  high_value: z.boolean(),
  customer_impact: z.boolean(),
  monitor_only: z.boolean(),
  disqualified: z.string().nullable(),
  action: z.string(),
});

function summaryOf(o: TriagedOrder): z.input<typeof stuckOrder> {
  return {
    order_id: o.order_id,
    currency: o.currency,
    send_amount: o.send_amount,
    amount_aed: o.amount_aed,
    hours: o.hours,
    category: o.category,
    stuck_reason: o.stuck_reason,
    team: o.team,
    priority: o.priority,
    score: o.score,
    high_value: o.high_value,
    customer_impact: o.customer_impact,
    monitor_only: o.monitor_only,
    disqualified: o.disqualified,
    action: o.action,
  };
}

export const ecmStuckOrders = defineTool({
  name: 'ecm_stuck_orders',
  title: 'Stuck orders, triaged',
  description: [
    "The triage engine's stuck orders at the current run time: each with its stuck reason, team, priority (P1 highest), score, age and the one-line action, highest score first.",
    'By default only actionable orders (not monitor-only, not disqualified); `scope` widens that. Filters: team, reason (a stuck reason name), priority, currency. At most `limit` orders (default 50, maximum 500); `total` counts every match.',
    'The triage result is reused for up to a minute. No customer data.',
  ].join(' '),
  input: {
    team: z.enum(TEAMS).optional(),
    reason: z.string().max(100).optional().describe('A stuck reason, e.g. refund_pending'),
    priority: z.enum(PRIORITIES).optional(),
    currency: z.string().max(8).optional(),
    scope: z.enum(['actionable', 'monitor_only', 'disqualified', 'all']).default('actionable'),
    limit: z.number().int().min(1).max(500).default(50),
  },
  output: { as_of: z.string(), total: z.number().int(), returned: z.number().int(), orders: z.array(stuckOrder) },
  annotations: READ_ONLY,
  async run(ctx, args) {
    if (args.reason && !ctx.config.reasons.has(args.reason)) {
      throw new ToolError(`"${args.reason}" is not a stuck reason; known reasons: ${[...ctx.config.reasons.keys()].join(', ')}.`);
    }
    const { result } = await ctx.triage();
    const inScope = (o: TriagedOrder) =>
      args.scope === 'all' ||
      (args.scope === 'actionable' && o.actionable) ||
      (args.scope === 'monitor_only' && o.monitor_only && !o.disqualified) ||
      (args.scope === 'disqualified' && o.disqualified !== null);
    const currency = args.currency?.toUpperCase();
    const matches = result.orders.filter(
      (o) => inScope(o) && (!args.team || o.team === args.team) && (!args.reason || o.stuck_reason === args.reason) && (!args.priority || o.priority === args.priority) && (!currency || o.currency === currency),
    );
    const orders = matches.slice(0, args.limit).map(summaryOf);
    const lines = orders.map((o) => `${o.priority} ${o.order_id} ${o.stuck_reason} (${o.team}) ${money.format(o.send_amount)} ${o.currency}, ${o.hours} h — ${o.action}`);
    const head = `${matches.length} ${args.scope === 'all' ? '' : `${args.scope.replace('_', '-')} `}stuck order${matches.length === 1 ? '' : 's'} at ${result.as_of}${matches.length > orders.length ? `; showing the first ${orders.length}` : ''}`;
    return { structured: { as_of: result.as_of, total: matches.length, returned: orders.length, orders }, text: [head, ...lines].join('\n') };
  },
});

const factor = z.object({ factor: z.string(), value: z.number(), weight: z.number(), contribution: z.number() });
const orderDetailsOutput = {
  order_id: z.string(),
  as_of: z.string(),
  order: z.object({
    status: z.string().nullable(),
    sub_state: z.string().nullable(),
    currency: z.string().nullable(),
    send_amount: z.number().nullable(),
    receive_amount: z.number().nullable(),
    acquirer: z.string().nullable(),
    owner_id: z.string(),
    created_at: z.string(),
    updated_at: z.string().nullable(),
    hours: z.number(),
  }),
  customer: z.object({ full_name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), masked: z.boolean() }),
  systems: z.array(
    z.object({
      system: z.string(),
      records: z.number().int(),
      latest_record_id: z.string(),
      status: z.string().nullable(),
      sub_status: z.string().nullable(),
      detail: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string().nullable(),
    }),
  ),
  timeline: z.array(
    z.object({ at: z.string(), system: z.string(), record_id: z.string(), event: z.enum(['created', 'last_update']), status: z.string().nullable(), detail: z.string().nullable() }),
  ),
  diagnosis: z
    .object({
      stuck_reason: z.string(),
      team: z.string(),
      summary: z.string(),
      action: z.string(),
      runbook: z.string(),
      escalation: z.string(),
      sla_hours: z.number(),
      severity: z.number(),
      monitor_only: z.boolean(),
      customer_impact: z.boolean(),
      category: z.string(),
      score: z.number(),
      priority: z.string(),
      high_value: z.boolean(),
      amount_aed: z.number(),
      actionable: z.boolean(),
      factors: z.array(factor),
      disqualification: z.object({ reason: z.string(), explain: z.string() }).nullable(),
    })
    .nullable(),
  reveal_refused: z.string().nullable(),
  not_a_candidate: z.string().nullable(),
  triage_as_of: z.string().nullable(),
  warnings: z.array(z.string()),
};

/** ecm_order_details' structured result, for clients that parse it (ecm-field). */
export const orderDetailsSchema = z.object(orderDetailsOutput);

function detailsText(d: OrderDetails): string {
  const o = d.order;
  const lines = [
    `Order ${d.order_id}: GOMS ${o.status ?? 'none'} / ${o.sub_state ?? 'none'}, ${o.send_amount === null ? '?' : money.format(o.send_amount)} ${o.currency ?? ''} via ${o.acquirer ?? 'unknown acquirer'}, ${o.hours} h old`,
    `Customer ${d.customer.full_name ?? '—'}, ${d.customer.email ?? '—'}, ${d.customer.phone ?? '—'}${d.customer.masked ? ' (masked)' : ''}`,
  ];
  if (d.diagnosis) {
    const g = d.diagnosis;
    lines.push(`Diagnosis: ${g.stuck_reason} (${g.team}), ${g.priority} score ${g.score}${g.high_value ? ', high value' : ''}${g.monitor_only ? ', monitor only' : ''}`);
    lines.push(`  ${g.summary}`, `  Action: ${g.action}`, `  Runbook: ${g.runbook}; escalate to ${g.escalation}; SLA ${g.sla_hours} h`);
    lines.push(`  Score: ${g.factors.map((f) => `${f.factor} ${f.value}×${f.weight}`).join(' + ')}`);
    if (g.disqualification) lines.push(`  Disqualified: ${g.disqualification.reason} — ${g.disqualification.explain}`);
  } else if (d.not_a_candidate) lines.push(d.not_a_candidate);
  lines.push('Systems:', ...d.systems.map((s) => `  ${s.system}: ${[s.status, s.sub_status].filter(Boolean).join(' / ') || 'record'}${s.detail ? ` (${s.detail})` : ''}${s.records > 1 ? `, ${s.records} records` : ''}`));
  lines.push('Timeline (UTC):', ...d.timeline.map((e) => `  ${e.at} ${e.system} ${e.event === 'created' ? 'created' : 'last update'}${e.status ? ` — ${e.status}` : ''}`));
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
    order_id: orderId.describe('The GOMS order id'),
    reveal_pii: z.boolean().default(false).describe("Show the customer's name, email and phone unmasked (only when a person asked for this order's details)"),
  },
  output: orderDetailsOutput,
  annotations: READ_ONLY,
  async run(ctx, args, caller) {
    const details = await orderDetails(ctx, args.order_id, { revealPii: args.reveal_pii }, caller);
    return { structured: details, text: detailsText(details) };
  },
});

const counts = z.record(z.string(), z.number());

export const ecmBacklogSummary = defineTool({
  name: 'ecm_backlog_summary',
  title: 'Stuck-order backlog summary',
  description:
    "The triage engine's summary at the current run time: candidates, actionable, monitor-only and disqualified counts; actionable orders by reason, team, priority, age category and currency; value at risk in AED; high-value and customer-impact counts; and the sanity check on the actionable count (typical 200–600; above 1,000 a warning, above 2,000 assignment stops). Counts only, no order or customer data.",
  input: {},
  output: {
    as_of: z.string(),
    candidates: z.number().int(),
    actionable: z.number().int(),
    monitor_only: z.number().int(),
    disqualified: z.number().int(),
    disqualified_by_reason: counts,
    actionable_by_reason: counts,
    actionable_by_team: counts,
    actionable_by_priority: counts,
    actionable_by_category: counts,
    actionable_by_currency: z.record(
      z.string(),
      z.object({ count: z.number(), amount: z.number(), amount_aed: z.number(), amount_decimal: z.string(), amount_aed_decimal: z.string() }),
    ),
    value_at_risk_aed: z.number(),
    value_at_risk_aed_decimal: z.string().describe('the exact value at risk in AED, as a decimal string'),
    quarantined: z.number().int().describe('candidates left out because their warehouse row failed validation'),
    high_value: z.number().int(),
    customer_impact: z.number().int(),
    sanity: z.object({ status: z.string(), assignment_allowed: z.boolean(), message: z.string() }),
  },
  annotations: READ_ONLY,
  async run(ctx) {
    const { result } = await ctx.triage();
    const s = result.summary;
    const by = (m: Readonly<Record<string, number>>) =>
      Object.entries(m)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none';
    const text = [
      `${s.actionable} actionable of ${s.candidates} candidates at ${result.as_of} (${s.monitor_only} monitor-only, ${s.disqualified} disqualified)`,
      `Value at risk: ${s.value_at_risk_aed_decimal} AED; ${s.high_value} high-value, ${s.customer_impact} with customer money held`,
      `By priority: ${by(s.actionable_by_priority)}`,
      `By team: ${by(s.actionable_by_team)}`,
      `By reason: ${by(s.actionable_by_reason)}`,
      `Disqualified: ${by(s.disqualified_by_reason)}`,
      `Sanity: ${s.sanity.message}`,
    ].join('\n');
    return { structured: { as_of: result.as_of, ...s }, text };
  },
});

/** The most recent earlier day's recorded patterns (signature → order count), from the ticket store's Pattern Intelligence rows. */
async function previousPatterns(ctx: GatewayContext, asOf: Date): Promise<{ date: string; counts: Map<string, number> } | null> {
  if (!ctx.ticketStoreKind) return null;
  try {
    const all = await (await ctx.tickets()).listPatterns();
    const today = localDate(asOf, ctx.config.settings.reports.time_zone);
    const date = all.reduce<string | null>((latest, p) => (p.date < today && (latest === null || p.date > latest) ? p.date : latest), null);
    return date === null ? null : { date, counts: new Map(all.filter((p) => p.date === date).map((p) => [p.signature, p.order_count])) };
  } catch (err) {
    ctx.log.warn({ error: err instanceof Error ? err.message : String(err) }, 'pattern history unavailable');
    return null;
  }
}

export const ecmPatternClusters = defineTool({
  name: 'ecm_pattern_clusters',
  title: 'Patterns among stuck orders',
  description: [
    'Clusters of stuck orders (not disqualified) that share a signature — currency, GOMS status and sub_state, Lulu status, Falcon status, payout status and partner, RFI status — with at least 3 orders, biggest impact first (impact = count × amount in AED / 10,000 × average hours / 24).',
    "Each cluster: its majority stuck reason, counts, value, ages, flags (high value, majority critical, over 72 h), `novel` (5+ orders whose majority is uncategorized) and `systemic` (more than 10 orders: look for a systemic fix).",
    "`trend` compares with the most recent earlier day's recorded patterns (UP +N, DOWN -N, SAME, NEW; `baseline` when none were recorded; null without a ticket store), `gone` lists that day's signatures that no longer form a cluster.",
    'At most `limit` clusters (default 10, maximum 100) and `max_order_ids` order ids each (default 20). No customer data.',
  ].join(' '),
  input: {
    limit: z.number().int().min(1).max(100).default(10),
    max_order_ids: z.number().int().min(0).max(500).default(20),
    novel_only: z.boolean().default(false).describe('Only novel patterns (mostly uncategorized orders)'),
  },
  output: {
    as_of: z.string(),
    total_clusters: z.number().int(),
    orders_in_clusters: z.number().int(),
    previous_run: z.string().nullable().describe('The date (report time zone) the trends compare with'),
    gone: z.array(z.string()),
    clusters: z.array(
      z.object({
        pattern_id: z.string(),
        signature: z.string(),
        stuck_reason: z.string(),
        order_count: z.number().int(),
        total_amount_aed: z.number(),
        avg_hours: z.number(),
        max_hours: z.number(),
        high_value_count: z.number().int(),
        critical_count: z.number().int(),
        impact: z.number(),
        novel: z.boolean(),
        systemic: z.boolean(),
        flags: z.object({ high_value: z.boolean(), majority_critical: z.boolean(), over_72h: z.boolean() }),
        trend: z.string().nullable(),
        order_ids: z.array(z.string()),
      }),
    ),
  },
  annotations: READ_ONLY,
  async run(ctx, args) {
    const { result } = await ctx.triage();
    const every = clusterOrders(ctx.config, result.orders);
    const previous = await previousPatterns(ctx, new Date(result.as_of));
    const { trends, gone } = clusterTrends(every, previous?.counts ?? null);
    const withHistory = ctx.ticketStoreKind !== null;
    const all = every.filter((c) => !args.novel_only || c.novel);
    const clusters = all.slice(0, args.limit).map((c) => ({
      pattern_id: c.pattern_id,
      signature: c.signature_text,
      stuck_reason: c.stuck_reason,
      order_count: c.order_count,
      total_amount_aed: c.total_amount_aed,
      avg_hours: c.avg_hours,
      max_hours: c.max_hours,
      high_value_count: c.high_value_count,
      critical_count: c.critical_count,
      impact: c.impact,
      novel: c.novel,
      systemic: c.systemic,
      flags: { ...c.flags },
      trend: withHistory ? trendText(trends.get(c.signature_text)!) : null,
      order_ids: c.order_ids.slice(0, args.max_order_ids),
    }));
    const inClusters = all.reduce((n, c) => n + c.order_count, 0);
    const lines = clusters.map(
      (c) =>
        `${c.pattern_id} ${c.stuck_reason}: ${c.order_count} orders, ${money.format(c.total_amount_aed)} AED, avg ${c.avg_hours} h, impact ${c.impact}${c.trend ? `, ${c.trend}` : ''}${c.novel ? ', NOVEL' : ''}${c.systemic ? ', systemic' : ''} — ${c.signature}`,
    );
    return {
      structured: { as_of: result.as_of, total_clusters: all.length, orders_in_clusters: inClusters, previous_run: previous?.date ?? null, gone: withHistory ? gone : [], clusters },
      text: [`${all.length} pattern${all.length === 1 ? '' : 's'} covering ${inClusters} orders at ${result.as_of}`, ...lines].join('\n'),
    };
  },
});
