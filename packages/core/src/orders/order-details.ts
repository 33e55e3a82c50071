import type { EcmConfig } from '../config/load-config.js';
import { slaHoursFor } from '../tickets/ticket-sla.js';
import type { TriagedOrder } from '../triage/run-triage.js';
import { HOUR_MS } from '../warehouse/warehouse-time.js';
import { maskEmail, maskName, maskPhone } from './mask-pii.js';
import { whyNotCandidate } from './not-candidate.js';
import type { Diagnosis, OrderDetails, ScoreFactor, SystemStatus, TimelineEvent } from './order-details-shape.js';
import type { OrderTimeline } from './order-timeline.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Each system's latest record, GOMS first. */
export function latestPerSystem(timeline: OrderTimeline): SystemStatus[] {
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

/** Every record's creation and last update, oldest first. */
export function timelineEvents(timeline: OrderTimeline): TimelineEvent[] {
  const o = timeline.order;
  const sources = [
    { system: 'goms', record_id: o.order_id, status: o.status, detail: o.sub_state, created_at: o.created_at, updated_at: o.updated_at },
    ...timeline.records.map((r) => ({
      system: r.system,
      record_id: r.record_id,
      status: r.sub_status ?? r.status,
      detail: r.detail,
      created_at: r.created_at,
      updated_at: r.updated_at,
    })),
  ];
  const events: TimelineEvent[] = [];
  for (const s of sources) {
    events.push({
      at: s.created_at.toISOString(),
      system: s.system,
      record_id: s.record_id,
      event: 'created',
      status: s.status,
      detail: s.detail,
    });
    if (s.updated_at && s.updated_at.getTime() !== s.created_at.getTime()) {
      events.push({
        at: s.updated_at.toISOString(),
        system: s.system,
        record_id: s.record_id,
        event: 'last_update',
        status: s.status,
        detail: s.detail,
      });
    }
  }
  return events.sort((a, b) => a.at.localeCompare(b.at) || a.system.localeCompare(b.system));
}

/** A triaged order in words: the reason's summary, runbook and escalation, and its score's factors. */
export function diagnosisOf(config: EcmConfig, t: TriagedOrder): Diagnosis {
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

/** What the engine said about the order now: its triage (undefined when not a candidate), or why it could not run. */
export type OrderTriage =
  | { readonly ran: true; readonly asOf: Date; readonly triaged: TriagedOrder | undefined }
  | { readonly ran: false; readonly error: string };

export interface OrderDetailsInput {
  readonly config: EcmConfig;
  readonly timeline: OrderTimeline;
  readonly asOf: Date;
  readonly triage: OrderTriage;
  /** null: not asked; otherwise whether the reveal was allowed (and recorded), or why not. */
  readonly reveal: { readonly revealed: true } | { readonly revealed: false; readonly refusal: string } | null;
}

/** The order in every system, its diagnosis and score, and what to be careful of (§12). */
export function buildOrderDetails(input: OrderDetailsInput): OrderDetails {
  const { config, timeline, asOf, triage, reveal } = input;
  const warnings: string[] = [];
  if (!triage.ran) warnings.push(`The diagnosis is missing because the triage could not run: ${triage.error}`);

  const rfiHours = config.settings.data_freshness.rfi_stale_hours;
  const rfis = timeline.records.filter((r) => r.system === 'rfi');
  if (rfis.length > 0) {
    const latest = Math.max(...rfis.map((r) => (r.updated_at ?? r.created_at).getTime()));
    const age = (asOf.getTime() - latest) / HOUR_MS;
    if (age > rfiHours) {
      warnings.push(
        `The RFI record was last modified ${round1(age)} h ago (more than ${rfiHours} h): check the live ops console before acting on the RFI status.`,
      );
    }
  }
  const revealed = reveal?.revealed === true;
  const revealRefused = reveal && !reveal.revealed ? reveal.refusal : null;
  if (revealRefused) warnings.push(`Personal data stays masked: ${revealRefused}.`);

  const systems = latestPerSystem(timeline);
  const falcon = systems.find((s) => s.system === 'falcon')?.status ?? null;
  const o = timeline.order;
  const c = timeline.customer;
  const triaged = triage.ran ? triage.triaged : undefined;
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
    systems,
    timeline: timelineEvents(timeline),
    diagnosis: triaged ? diagnosisOf(config, triaged) : null,
    reveal_refused: revealRefused,
    not_a_candidate: triaged || !triage.ran ? null : `Not a stuck-order candidate: ${whyNotCandidate(config, o, triage.asOf, falcon)}.`,
    triage_as_of: triage.ran ? triage.asOf.toISOString() : null,
    warnings,
  };
}
