import type { EcmConfig } from '../config/load-config.js';
import type { PipelineByCurrency } from '../queries/phase-queries.js';
import type { QuarantinedOrder, TriageResult, TriagedOrder } from '../triage/run-triage.js';
import { approximate, fromMinorUnits, toMinorUnits } from '../triage/money.js';
import type { SanityCheck, CurrencyTotal } from '../triage/summarize-triage.js';
import { formatReportTime } from '../slack/report-format.js';
import { localDate, previousDate } from './report-time.js';

export type Direction =
  | { readonly kind: 'baseline' }
  | { readonly kind: 'up' | 'down' | 'flat'; readonly delta: number; readonly previous: number; readonly previous_date: string };

export interface BacklogFacts {
  readonly as_of: string;
  readonly report_time: string;
  readonly date: string;
  readonly candidates: number;
  readonly actionable: number;
  readonly monitor_only: number;
  readonly disqualified: number;
  readonly disqualified_by_reason: Readonly<Record<string, number>>;
  readonly direction: Direction;
  readonly by_priority: Readonly<Record<string, number>>;
  readonly by_category: Readonly<Record<string, number>>;
  readonly high_value: number;
  readonly value_at_risk_aed: number;
  /** Exact, as a decimal string: what the report prints. */
  readonly value_at_risk_aed_decimal: string;
  /** Orders left out of the run because their warehouse row failed validation. */
  readonly quarantined: readonly QuarantinedOrder[];
  readonly by_currency: Readonly<Record<string, CurrencyTotal>>;
  readonly top_actions: readonly { reason: string; team: string; orders: number; amount_aed: number; summary: string }[];
  readonly waterfall: {
    readonly carry_over: number;
    readonly new_yesterday: number;
    readonly actionable: number;
    readonly pipeline: number;
  };
  readonly pipeline_by_currency: readonly PipelineByCurrency[];
  readonly inflow: readonly { date: string; orders: number; spike: boolean }[];
  readonly sub_states: readonly { sub_state: string; orders: number; avg_hours: number; max_hours: number }[];
  readonly sanity: SanityCheck;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The actionable count of the previous day's backlog run, if any (from the state store). */
export interface PreviousBacklog {
  readonly date: string;
  readonly actionable: number;
}

/** Up, down or flat against the previous day's backlog run; the first run is the baseline. */
function directionOf(actionable: number, previous: PreviousBacklog | null): Direction {
  if (!previous) return { kind: 'baseline' };
  return {
    kind: actionable > previous.actionable ? 'up' : actionable < previous.actionable ? 'down' : 'flat',
    delta: Math.abs(actionable - previous.actionable),
    previous: previous.actionable,
    previous_date: previous.date,
  };
}

/** The three reasons with the most actionable orders (then the most value), with who acts and how. */
function topActionsOf(config: EcmConfig, actionable: readonly TriagedOrder[]): BacklogFacts['top_actions'] {
  const byReason = new Map<string, { orders: number; amount: bigint }>();
  for (const o of actionable) {
    const r = byReason.get(o.stuck_reason) ?? { orders: 0, amount: 0n };
    r.orders++;
    r.amount += toMinorUnits(o.amount_aed_decimal);
    byReason.set(o.stuck_reason, r);
  }
  return [...byReason.entries()]
    .sort(
      (a, b) =>
        b[1].orders - a[1].orders || (b[1].amount > a[1].amount ? 1 : b[1].amount < a[1].amount ? -1 : 0) || a[0].localeCompare(b[0]),
    )
    .slice(0, 3)
    .map(([reason, r]) => {
      const def = config.reasons.get(reason)!;
      return { reason, team: def.team, orders: r.orders, amount_aed: approximate(fromMinorUnits(r.amount)), summary: def.summary };
    });
}

/**
 * Inflow: still-open stuck orders by the day they were created (local date), the last N days up to
 * yesterday (today's orders are still younger than the candidate age); a spike is a day over
 * `spikeRatio` times the day before.
 */
function inflowOf(triage: TriageResult, date: string, tz: string, inflowDays: number, spikeRatio: number): BacklogFacts['inflow'] {
  const days: string[] = [];
  let d = previousDate(date);
  for (let i = 0; i < inflowDays; i++) {
    days.unshift(d);
    d = previousDate(d);
  }
  const perDay = new Map(days.map((day) => [day, 0]));
  for (const o of triage.orders) {
    if (o.disqualified) continue;
    const day = localDate(new Date(o.created_at), tz);
    if (perDay.has(day)) perDay.set(day, perDay.get(day)! + 1);
  }
  return days.map((day, i) => {
    const orders = perDay.get(day)!;
    const before = i > 0 ? perDay.get(days[i - 1]!)! : null;
    return { date: day, orders, spike: before !== null && before > 0 && orders > spikeRatio * before };
  });
}

/** Actionable orders per sub_state: count, average and oldest age; the largest first. */
function subStatesOf(actionable: readonly TriagedOrder[]): BacklogFacts['sub_states'] {
  const subStates = new Map<string, TriagedOrder[]>();
  for (const o of actionable) {
    const key = o.sub_state ?? 'none';
    subStates.set(key, [...(subStates.get(key) ?? []), o]);
  }
  return [...subStates.entries()]
    .map(([sub_state, os]) => ({
      sub_state,
      orders: os.length,
      avg_hours: round1(os.reduce((n, o) => n + o.hours, 0) / os.length),
      max_hours: round1(Math.max(...os.map((o) => o.hours))),
    }))
    .sort((a, b) => b.orders - a.orders || a.sub_state.localeCompare(b.sub_state));
}

/** Waterfall: an order over 12 h + 24 h old was already in yesterday's backlog; the rest is new since. */
function waterfallOf(
  config: EcmConfig,
  actionable: readonly TriagedOrder[],
  pipeline: readonly PipelineByCurrency[],
): BacklogFacts['waterfall'] {
  const carryOverHours = config.settings.candidates.min_age_hours + 24;
  const carryOver = actionable.filter((o) => o.hours >= carryOverHours).length;
  const pipelineOrders = pipeline.reduce((n, p) => n + p.orders, 0);
  return { carry_over: carryOver, new_yesterday: actionable.length - carryOver, actionable: actionable.length, pipeline: pipelineOrders };
}

/** Every number of the backlog report (§10), from the triage result alone plus the pipeline query. */
export function backlogFacts(
  config: EcmConfig,
  triage: TriageResult,
  pipeline: readonly PipelineByCurrency[],
  previous: PreviousBacklog | null,
): BacklogFacts {
  const asOf = new Date(triage.as_of);
  const { time_zone: tz, inflow_days: inflowDays, spike_ratio: spikeRatio } = config.settings.reports;
  const s = triage.summary;
  const actionable = triage.orders.filter((o) => o.actionable);
  const date = localDate(asOf, tz);
  return {
    as_of: triage.as_of,
    report_time: formatReportTime(asOf, tz),
    date,
    candidates: s.candidates,
    actionable: s.actionable,
    monitor_only: s.monitor_only,
    disqualified: s.disqualified,
    disqualified_by_reason: s.disqualified_by_reason,
    direction: directionOf(s.actionable, previous),
    by_priority: s.actionable_by_priority,
    by_category: s.actionable_by_category,
    high_value: s.high_value,
    value_at_risk_aed: s.value_at_risk_aed,
    value_at_risk_aed_decimal: s.value_at_risk_aed_decimal,
    quarantined: triage.quarantined,
    by_currency: s.actionable_by_currency,
    top_actions: topActionsOf(config, actionable),
    waterfall: waterfallOf(config, actionable, pipeline),
    pipeline_by_currency: pipeline,
    inflow: inflowOf(triage, date, tz, inflowDays, spikeRatio),
    sub_states: subStatesOf(actionable),
    sanity: s.sanity,
  };
}
