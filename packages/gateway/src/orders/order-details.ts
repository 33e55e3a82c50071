import { candidateWindow, HOUR_MS, slaHoursFor, toWarehouseTime, triageOrder, type EcmConfig, type TriagedOrder } from '@ecm/core/domain';
import type { GatewayContext } from '../gateway-context.js';
import type { ToolCaller } from '../tools/define-tool.js';
import { ToolError } from '../tools/tool-error.js';
import { revealPii } from './reveal-pii.js';
import { maskEmail, maskName, maskPhone } from './mask-pii.js';
import { fetchOrderTimeline, type OrderHeader, type OrderTimeline } from './order-timeline.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const round1 = (n: number) => Math.round(n * 10) / 10;

export interface TimelineEvent {
  at: string;
  system: string;
  record_id: string;
  event: 'created' | 'last_update';
  status: string | null;
  detail: string | null;
}

export interface SystemStatus {
  system: string;
  records: number;
  latest_record_id: string;
  status: string | null;
  sub_status: string | null;
  detail: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface ScoreFactor {
  factor: string;
  value: number;
  weight: number;
  contribution: number;
}

export interface Diagnosis {
  stuck_reason: string;
  team: string;
  summary: string;
  action: string;
  runbook: string;
  escalation: string;
  sla_hours: number;
  severity: number;
  monitor_only: boolean;
  customer_impact: boolean;
  category: string;
  score: number;
  priority: string;
  high_value: boolean;
  amount_aed: number;
  actionable: boolean;
  factors: ScoreFactor[];
  disqualification: { reason: string; explain: string } | null;
}

export interface OrderDetails {
  order_id: string;
  as_of: string;
  order: {
    status: string | null;
    sub_state: string | null;
    currency: string | null;
    send_amount: number | null;
    receive_amount: number | null;
    acquirer: string | null;
    owner_id: string;
    created_at: string;
    updated_at: string | null;
    hours: number;
  };
  customer: { full_name: string | null; email: string | null; phone: string | null; masked: boolean };
  systems: SystemStatus[];
  timeline: TimelineEvent[];
  /** The engine's triage of this order, or null when it is not a stuck-order candidate. */
  diagnosis: Diagnosis | null;
  /** Why `reveal_pii` was refused (the customer stays masked); null when not asked or allowed. */
  reveal_refused: string | null;
  not_a_candidate: string | null;
  triage_as_of: string | null;
  warnings: string[];
}

/** Why an order is not among the candidates at T (§3), in words. */
export function whyNotCandidate(config: EcmConfig, order: OrderHeader, asOf: Date, falconStatus: string | null): string {
  const c = config.settings.candidates;
  const { start, end } = candidateWindow(config, asOf);
  if (order.created_at >= end) return `it is younger than ${c.min_age_hours} h (created ${toWarehouseTime(order.created_at)} UTC)`;
  if (order.created_at < start) return `it is older than the ${c.window_days}-day window`;
  if (!order.currency || !c.currencies.includes(order.currency)) return `its send currency ${order.currency ?? 'is missing'} is not one ECM handles (${c.currencies.join(', ')})`;
  if (order.status === 'COMPLETED' && falconStatus !== c.completed_with_falcon_status) return 'GOMS shows it COMPLETED';
  if (order.status !== 'COMPLETED' && (!order.status || !c.statuses.includes(order.status) || !order.sub_state || !c.sub_states.includes(order.sub_state))) {
    return `GOMS status ${order.status ?? 'none'} / sub_state ${order.sub_state ?? 'none'} is not on the candidate lists`;
  }
  // Its state changed since the shared triage result was computed (see triage_as_of).
  return 'it was not among the candidates when the latest triage ran';
}

function latestPerSystem(timeline: OrderTimeline): SystemStatus[] {
  const bySystem = new Map<string, SystemStatus>();
  for (const r of timeline.records) {
    const at = (r.updated_at ?? r.created_at).getTime();
    const current = bySystem.get(r.system);
    const currentAt = current ? new Date(current.updated_at ?? current.created_at).getTime() : -Infinity;
    const entry: SystemStatus = {
      system: r.system,
      records: (current?.records ?? 0) + 1,
      latest_record_id: r.record_id,
      status: r.status,
      sub_status: r.sub_status,
      detail: r.detail,
      created_at: r.created_at.toISOString(),
      updated_at: iso(r.updated_at),
    };
    bySystem.set(r.system, at >= currentAt ? entry : { ...current!, records: entry.records });
  }
  const o = timeline.order;
  const goms: SystemStatus = {
    system: 'goms',
    records: 1,
    latest_record_id: o.order_id,
    status: o.status,
    sub_status: o.sub_state,
    detail: o.acquirer,
    created_at: o.created_at.toISOString(),
    updated_at: iso(o.updated_at),
  };
  return [goms, ...bySystem.values()];
}

function timelineEvents(timeline: OrderTimeline): TimelineEvent[] {
  const o = timeline.order;
  const sources = [
    { system: 'goms', record_id: o.order_id, status: o.status, detail: o.sub_state, created_at: o.created_at, updated_at: o.updated_at },
    ...timeline.records.map((r) => ({ system: r.system, record_id: r.record_id, status: r.sub_status ?? r.status, detail: r.detail, created_at: r.created_at, updated_at: r.updated_at })),
  ];
  const events: TimelineEvent[] = [];
  for (const s of sources) {
    events.push({ at: s.created_at.toISOString(), system: s.system, record_id: s.record_id, event: 'created', status: s.status, detail: s.detail });
    if (s.updated_at && s.updated_at.getTime() !== s.created_at.getTime()) {
      events.push({ at: s.updated_at.toISOString(), system: s.system, record_id: s.record_id, event: 'last_update', status: s.status, detail: s.detail });
    }
  }
  return events.sort((a, b) => a.at.localeCompare(b.at) || a.system.localeCompare(b.system));
}

function diagnosisOf(config: EcmConfig, t: TriagedOrder): Diagnosis {
  const reason = config.reasons.get(t.stuck_reason)!;
  const w = config.settings.scoring.weights;
  const f = t.factors;
  const factors: ScoreFactor[] = [
    { factor: 'age', value: f.age, weight: w.age },
    { factor: 'amount', value: f.amount, weight: w.amount },
    { factor: 'severity', value: Math.round(f.severity * f.multiplier * 1e6) / 1e6, weight: w.severity },
    { factor: 'rfi', value: f.rfi, weight: w.rfi },
    { factor: 'payment', value: f.payment, weight: w.payment },
    { factor: 'attempts', value: f.attempts, weight: w.attempts },
  ].map((x) => ({ ...x, contribution: Math.round(x.value * x.weight * 1e4) / 1e4 }));
  const rule = t.disqualified ? config.disqualification.find((d) => d.reason === t.disqualified) : undefined;
  return {
    stuck_reason: t.stuck_reason,
    team: t.team,
    summary: reason.summary,
    action: t.action,
    runbook: reason.runbook,
    escalation: reason.escalation,
    sla_hours: slaHoursFor(config, t.stuck_reason),
    severity: t.severity,
    monitor_only: t.monitor_only,
    customer_impact: t.customer_impact,
    category: t.category,
    score: t.score,
    priority: t.priority,
    high_value: t.high_value,
    amount_aed: t.amount_aed,
    actionable: t.actionable,
    factors,
    disqualification: t.disqualified ? { reason: t.disqualified, explain: rule?.explain ?? t.disqualified } : null,
  };
}

/** ecm_order_details: the order in every system, its diagnosis and score, and what to be careful of. */
export async function orderDetails(ctx: GatewayContext, orderId: string, options: { revealPii: boolean }, caller: ToolCaller): Promise<OrderDetails> {
  const timeline = await fetchOrderTimeline(ctx, orderId);
  if (!timeline) throw new ToolError(`No order with id "${orderId}" exists in the warehouse.`);
  const asOf = ctx.asOf();
  const warnings: string[] = [];

  let triaged: TriagedOrder | undefined;
  let triageAsOf: string | null = null;
  try {
    // This one order through the engine, now: no cache, so the diagnosis matches the timeline above.
    triaged = (await triageOrder(await ctx.warehouse(), ctx.config, orderId, { asOf, multipliers: await ctx.multipliers(asOf) })) ?? undefined;
    triageAsOf = asOf.toISOString();
  } catch (err) {
    warnings.push(`The diagnosis is missing because the triage could not run: ${err instanceof Error ? err.message : String(err)}`);
  }

  const rfiHours = ctx.config.settings.data_freshness.rfi_stale_hours;
  const rfis = timeline.records.filter((r) => r.system === 'rfi');
  if (rfis.length > 0) {
    const latest = Math.max(...rfis.map((r) => (r.updated_at ?? r.created_at).getTime()));
    const age = (asOf.getTime() - latest) / HOUR_MS;
    if (age > rfiHours) {
      warnings.push(`The RFI record was last modified ${round1(age)} h ago (more than ${rfiHours} h): check the live ops console before acting on the RFI status.`);
    }
  }
  const reveal = options.revealPii ? await revealPii(ctx, caller, orderId) : null;
  const revealed = reveal?.revealed === true;
  const revealRefused = reveal && !reveal.revealed ? reveal.refusal : null;
  if (revealRefused) warnings.push(`Personal data stays masked: ${revealRefused}.`);

  const falcon = latestPerSystem(timeline).find((s) => s.system === 'falcon')?.status ?? null;
  const o = timeline.order;
  const c = timeline.customer;
  return {
    order_id: o.order_id,
    as_of: asOf.toISOString(),
    order: {
      status: o.status,
      sub_state: o.sub_state,
      currency: o.currency,
      send_amount: o.send_amount,
      receive_amount: o.receive_amount,
      acquirer: o.acquirer,
      owner_id: o.owner_id,
      created_at: o.created_at.toISOString(),
      updated_at: iso(o.updated_at),
      hours: round1((asOf.getTime() - o.created_at.getTime()) / HOUR_MS),
    },
    customer: revealed
      ? { ...c, masked: false }
      : { full_name: maskName(c.full_name), email: maskEmail(c.email), phone: maskPhone(c.phone), masked: true },
    systems: latestPerSystem(timeline),
    timeline: timelineEvents(timeline),
    diagnosis: triaged ? diagnosisOf(ctx.config, triaged) : null,
    reveal_refused: revealRefused,
    not_a_candidate: triaged || triageAsOf === null ? null : `Not a stuck-order candidate: ${whyNotCandidate(ctx.config, o, new Date(triageAsOf), falcon)}.`,
    triage_as_of: triageAsOf,
    warnings,
  };
}
