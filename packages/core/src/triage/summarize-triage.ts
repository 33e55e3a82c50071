import type { EcmConfig } from '../config/load-config.js';
import { approximate, fromMinorUnits, toMinorUnits } from './money.js';
import type { TriagedOrder } from './run-triage.js';

export interface CurrencyTotal {
  readonly count: number;
  readonly amount: number;
  readonly amount_aed: number;
  /** The exact sums, as decimal strings; reports print these. */
  readonly amount_decimal: string;
  readonly amount_aed_decimal: string;
}

export type SanityStatus = 'typical' | 'low' | 'high' | 'warn' | 'stop';

export interface SanityCheck {
  readonly status: SanityStatus;
  /** Whether assignment may go ahead on this run (§6 sanity gates). */
  readonly assignment_allowed: boolean;
  readonly message: string;
}

export interface TriageSummary {
  readonly candidates: number;
  readonly actionable: number;
  readonly monitor_only: number;
  readonly disqualified: number;
  readonly disqualified_by_reason: Readonly<Record<string, number>>;
  readonly actionable_by_reason: Readonly<Record<string, number>>;
  readonly actionable_by_team: Readonly<Record<string, number>>;
  readonly actionable_by_priority: Readonly<Record<string, number>>;
  readonly actionable_by_category: Readonly<Record<string, number>>;
  readonly actionable_by_currency: Readonly<Record<string, CurrencyTotal>>;
  readonly value_at_risk_aed: number;
  /** The exact value at risk (sum of exact AED amounts), as a decimal string. */
  readonly value_at_risk_aed_decimal: string;
  /** Candidates left out because their warehouse row failed validation. */
  readonly quarantined: number;
  readonly high_value: number;
  readonly customer_impact: number;
  readonly sanity: SanityCheck;
}

function increment(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

export function sanityCheck(config: EcmConfig, actionable: number): SanityCheck {
  const s = config.settings.sanity;
  if (actionable > s.stop_assignment_above) {
    return {
      status: 'stop',
      assignment_allowed: false,
      message: `${actionable} actionable orders is above ${s.stop_assignment_above}: assignment stopped for this run — a candidate filter or a data feed is probably broken`,
    };
  }
  if (actionable > s.warn_above) {
    return {
      status: 'warn',
      assignment_allowed: true,
      message: `${actionable} actionable orders is above ${s.warn_above}: check that no candidate filter is broken`,
    };
  }
  const [low, high] = s.typical;
  if (actionable < low)
    return { status: 'low', assignment_allowed: true, message: `${actionable} actionable orders, below the typical ${low}–${high}` };
  if (actionable > high)
    return { status: 'high', assignment_allowed: true, message: `${actionable} actionable orders, above the typical ${low}–${high}` };
  return { status: 'typical', assignment_allowed: true, message: `${actionable} actionable orders, within the typical ${low}–${high}` };
}

/** Running counts of one triage; sums in minor units (bigint): a sum of doubles drifts, and a huge amount swallows small ones. */
function newTally() {
  return {
    disqualifiedByReason: {} as Record<string, number>,
    byReason: {} as Record<string, number>,
    byTeam: {} as Record<string, number>,
    byPriority: { P1: 0, P2: 0, P3: 0, P4: 0 } as Record<string, number>,
    byCategory: {} as Record<string, number>,
    byCurrency: {} as Record<string, { count: number; amount: bigint; amount_aed: bigint }>,
    monitorOnly: 0,
    disqualified: 0,
    actionable: 0,
    valueAtRisk: 0n,
    highValue: 0,
    customerImpact: 0,
  };
}
type Tally = ReturnType<typeof newTally>;

function countActionable(t: Tally, o: TriagedOrder): void {
  t.actionable++;
  increment(t.byReason, o.stuck_reason);
  increment(t.byTeam, o.team);
  increment(t.byPriority, o.priority);
  increment(t.byCategory, o.category);
  const c = (t.byCurrency[o.currency] ??= { count: 0, amount: 0n, amount_aed: 0n });
  const aed = toMinorUnits(o.amount_aed_decimal);
  c.count++;
  c.amount += toMinorUnits(o.send_amount_decimal);
  c.amount_aed += aed;
  t.valueAtRisk += aed;
  if (o.high_value) t.highValue++;
  if (o.customer_impact) t.customerImpact++;
}

function currencyTotalsOf(byCurrency: Tally['byCurrency']): Record<string, CurrencyTotal> {
  const totals: Record<string, CurrencyTotal> = {};
  for (const [currency, c] of Object.entries(byCurrency)) {
    const amount = fromMinorUnits(c.amount);
    const amountAed = fromMinorUnits(c.amount_aed);
    totals[currency] = {
      count: c.count,
      amount: approximate(amount),
      amount_aed: approximate(amountAed),
      amount_decimal: amount,
      amount_aed_decimal: amountAed,
    };
  }
  return totals;
}

export function summarizeTriage(config: EcmConfig, orders: readonly TriagedOrder[], quarantined = 0): TriageSummary {
  const t = newTally();
  for (const o of orders) {
    if (o.disqualified) {
      t.disqualified++;
      increment(t.disqualifiedByReason, o.disqualified);
    } else if (o.monitor_only) t.monitorOnly++;
    else countActionable(t, o);
  }
  const valueAtRiskDecimal = fromMinorUnits(t.valueAtRisk);
  return {
    candidates: orders.length,
    actionable: t.actionable,
    monitor_only: t.monitorOnly,
    disqualified: t.disqualified,
    disqualified_by_reason: t.disqualifiedByReason,
    actionable_by_reason: t.byReason,
    actionable_by_team: t.byTeam,
    actionable_by_priority: t.byPriority,
    actionable_by_category: t.byCategory,
    actionable_by_currency: currencyTotalsOf(t.byCurrency),
    value_at_risk_aed: approximate(valueAtRiskDecimal),
    value_at_risk_aed_decimal: valueAtRiskDecimal,
    quarantined,
    high_value: t.highValue,
    customer_impact: t.customerImpact,
    sanity: sanityCheck(config, t.actionable),
  };
}
