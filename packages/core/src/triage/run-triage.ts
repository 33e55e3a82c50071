import type { EcmConfig } from '../config/load-config.js';
import { firstIssue, type SchemaRefusal } from '../text/first-issue.js';
import type { Priority, Team } from '../config/schema.js';
import { firstMatching } from '../config/rule-match.js';
import { fillCodeLists, loadQuery } from '../queries/load-query.js';
import { HOUR_MS, toWarehouseTime } from '../warehouse/warehouse-time.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { compileClassifier } from './classify-order.js';
import { disqualifyOrder } from './disqualify-order.js';
import { amountInAedDecimal, candidateRowSchema, ruleFacts, toOrderFacts, type OrderFacts } from './order-facts.js';
import { approximate } from './money.js';
import { printableOrderId } from './order-id.js';
import { fillAction } from './fill-action.js';
import { scoreOrder, type ScoreFactors } from './score-order.js';
import { summarizeTriage, type TriageSummary } from './summarize-triage.js';

/** One candidate after classification, disqualification and scoring. */
export interface TriagedOrder {
  readonly order_id: string;
  readonly currency: string;
  /** For display and thresholds; sums and reports use the exact decimals below. */
  readonly send_amount: number;
  readonly amount_aed: number;
  /** The send amount exactly as the warehouse holds it ("9999999999999999.99"). */
  readonly send_amount_decimal: string;
  /** The send amount in AED at the configured rate, exact to the fils. */
  readonly amount_aed_decimal: string;
  readonly acquirer: string | null;
  readonly status: string | null;
  readonly sub_state: string | null;
  readonly created_at: string;
  readonly hours: number;
  readonly category: string;
  readonly stuck_reason: string;
  readonly team: Team;
  readonly severity: number;
  readonly monitor_only: boolean;
  readonly customer_impact: boolean;
  /** The §6 reason when this is not real work, else null. */
  readonly disqualified: string | null;
  readonly score: number;
  readonly priority: Priority;
  readonly factors: ScoreFactors;
  readonly high_value: boolean;
  /** The reason's one-line action with this order's facts filled in. */
  readonly action: string;
  readonly actionable: boolean;
  readonly facts: OrderFacts;
}

/** An order whose warehouse row failed validation: left out of the run, listed with why. */
export interface QuarantinedOrder {
  /** The id as printable ASCII (escaped and cut when it is not a valid id). */
  readonly order_id: string;
  readonly reason: string;
}

export interface TriageResult {
  readonly as_of: string;
  readonly orders: readonly TriagedOrder[];
  /** Candidates whose facts could not be read; every other order went on without them. */
  readonly quarantined: readonly QuarantinedOrder[];
  readonly summary: TriageSummary;
  readonly round_trips: number;
}

export interface TriageOptions {
  readonly asOf: Date;
  /** Learned severity multipliers per stuck reason (§13); missing means 1. */
  readonly multipliers?: Readonly<Record<string, number>>;
}

/** Higher score first, then older, then order id, so the order is total and stable. */
export function byPriority(a: TriagedOrder, b: TriagedOrder): number {
  return b.score - a.score || b.hours - a.hours || a.order_id.localeCompare(b.order_id);
}

/** Classifies, disqualifies and scores already-fetched facts. Pure: the engine's one implementation. */
export function triageFacts(config: EcmConfig, facts: readonly OrderFacts[], options: TriageOptions): TriagedOrder[] {
  const classifier = compileClassifier(config);
  const { settings } = config;
  return facts
    .map((f): TriagedOrder => {
      const rf = ruleFacts(settings, f, options.asOf);
      const stuckReason = classifier.classify(rf);
      const reason = config.reasons.get(stuckReason);
      if (!reason) throw new Error(`classifier produced unknown reason ${stuckReason}`);
      const withReason = { ...rf, stuck_reason: stuckReason };
      const disqualified = disqualifyOrder(config, withReason);
      const scored = scoreOrder(settings, withReason, reason.severity, options.multipliers?.[stuckReason] ?? 1);
      const amountAedDecimal = amountInAedDecimal(settings, f.currency, f.send_amount);
      const amountAed = approximate(amountAedDecimal);
      const hours = rf.hours as number;
      const categoryBand = firstMatching(settings.age_categories.bands, withReason);
      return {
        order_id: f.order_id,
        currency: f.currency,
        send_amount: approximate(f.send_amount),
        amount_aed: amountAed,
        send_amount_decimal: f.send_amount,
        amount_aed_decimal: amountAedDecimal,
        acquirer: f.acquirer,
        status: f.status,
        sub_state: f.sub_state,
        created_at: f.created_at.toISOString(),
        hours: Math.round(hours * 10) / 10,
        category: categoryBand?.category ?? settings.age_categories.default,
        stuck_reason: stuckReason,
        team: reason.team,
        severity: reason.severity,
        monitor_only: reason.monitor_only,
        customer_impact: reason.customer_impact,
        disqualified: disqualified?.reason ?? null,
        score: scored.score,
        priority: scored.priority,
        factors: scored.factors,
        high_value: amountAed >= settings.high_value_aed,
        action: fillAction(reason.action, f, amountAedDecimal, hours),
        actionable: disqualified === null && !reason.monitor_only,
        facts: f,
      };
    })
    .sort(byPriority);
}

/** The SQL that fetches every candidate with its facts, lists filled from configuration. */
export function candidateSql(config: EcmConfig): string {
  const c = config.settings.candidates;
  return fillCodeLists(loadQuery(config.sharedDir, 'stuck_candidates'), {
    currencies: c.currencies,
    statuses: c.statuses,
    sub_states: c.sub_states,
    completed_falcon_status: c.completed_with_falcon_status,
  });
}

/** The candidate window [start, end) for a run at `asOf`. */
export function candidateWindow(config: EcmConfig, asOf: Date): { start: Date; end: Date } {
  const c = config.settings.candidates;
  return {
    start: new Date(asOf.getTime() - c.window_days * 24 * HOUR_MS),
    end: new Date(asOf.getTime() - c.min_age_hours * HOUR_MS),
  };
}

/** What the warehouse returned for a run: the readable candidates and the quarantined rest. */
export interface CandidateFacts {
  readonly facts: OrderFacts[];
  readonly quarantined: QuarantinedOrder[];
}

/** Why a row failed, in one line: the field and the problem. */
function quarantineReason(error: SchemaRefusal): string {
  return firstIssue(error, null);
}

/**
 * Fetches every candidate at time T (or the one order asked for) in one statement. A row that fails
 * validation is quarantined rather than thrown: one bad order must not cost the day's other tickets.
 */
export async function fetchCandidateFacts(
  warehouse: Warehouse,
  config: EcmConfig,
  asOf: Date,
  options: { orderId?: string } = {},
): Promise<CandidateFacts> {
  const { start, end } = candidateWindow(config, asOf);
  const rows = await warehouse.query(candidateSql(config), [toWarehouseTime(start), toWarehouseTime(end), options.orderId ?? null]);
  const facts: OrderFacts[] = [];
  const quarantined: QuarantinedOrder[] = [];
  for (const row of rows) {
    const parsed = candidateRowSchema.safeParse(row);
    if (parsed.success) facts.push(toOrderFacts(parsed.data));
    else
      quarantined.push({
        order_id: printableOrderId(row.order_id === null || row.order_id === undefined ? '(missing)' : String(row.order_id)),
        reason: quarantineReason(parsed.error),
      });
  }
  return { facts, quarantined };
}

export async function runTriage(warehouse: Warehouse, config: EcmConfig, options: TriageOptions): Promise<TriageResult> {
  const before = warehouse.roundTrips;
  const { facts, quarantined } = await fetchCandidateFacts(warehouse, config, options.asOf);
  const orders = triageFacts(config, facts, options);
  return {
    as_of: options.asOf.toISOString(),
    orders,
    quarantined,
    summary: summarizeTriage(config, orders, quarantined.length),
    round_trips: warehouse.roundTrips - before,
  };
}

/**
 * One order through the same engine, at T: its triage, or null when it is not a stuck-order
 * candidate at T. The same statement as the full run, filtered to the order, so it costs milliseconds.
 */
export async function triageOrder(
  warehouse: Warehouse,
  config: EcmConfig,
  orderId: string,
  options: TriageOptions,
): Promise<TriagedOrder | null> {
  const { facts } = await fetchCandidateFacts(warehouse, config, options.asOf, { orderId });
  return triageFacts(config, facts, options)[0] ?? null;
}
