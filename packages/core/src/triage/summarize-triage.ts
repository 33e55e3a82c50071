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
    return { status: 'warn', assignment_allowed: true, message: `${actionable} actionable orders is above ${s.warn_above}: check that no candidate filter is broken` };
  }
  const [low, high] = s.typical;
  if (actionable < low) return { status: 'low', assignment_allowed: true, message: `${actionable} actionable orders, below the typical ${low}–${high}` };
  if (actionable > high) return { status: 'high', assignment_allowed: true, message: `${actionable} actionable orders, above the typical ${low}–${high}` };
  return { status: 'typical', assignment_allowed: true, message: `${actionable} actionable orders, within the typical ${low}–${high}` };
}

export function summarizeTriage(config: EcmConfig, orders: readonly TriagedOrder[], quarantined = 0): TriageSummary {
  const disqualifiedByReason: Record<string, number> = {};
  const byReason: Record<string, number> = {};
  const byTeam: Record<string, number> = {};
  const byPriority: Record<string, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  const byCategory: Record<string, number> = {};
  // Sums in minor units (bigint): a sum of doubles drifts, and a huge amount swallows small ones.
  const byCurrency: Record<string, { count: number; amount: bigint; amount_aed: bigint }> = {};
  let monitorOnly = 0;
  let disqualified = 0;
  let actionable = 0;
  let valueAtRisk = 0n;
  let highValue = 0;
  let customerImpact = 0;
  for (const o of orders) {
    if (o.disqualified) {
      disqualified++;
      increment(disqualifiedByReason, o.disqualified);
      continue;
    }
    if (o.monitor_only) {
      monitorOnly++;
      continue;
    }
    actionable++;
    increment(byReason, o.stuck_reason);
    increment(byTeam, o.team);
    increment(byPriority, o.priority);
    increment(byCategory, o.category);
    const c = (byCurrency[o.currency] ??= { count: 0, amount: 0n, amount_aed: 0n });
    const aed = toMinorUnits(o.amount_aed_decimal);
    c.count++;
    c.amount += toMinorUnits(o.send_amount_decimal);
    c.amount_aed += aed;
    valueAtRisk += aed;
    if (o.high_value) highValue++;
    if (o.customer_impact) customerImpact++;
  }
  const currencyTotals: Record<string, CurrencyTotal> = {};
  for (const [currency, c] of Object.entries(byCurrency)) {
    const amount = fromMinorUnits(c.amount);
    const amountAed = fromMinorUnits(c.amount_aed);
    currencyTotals[currency] = { count: c.count, amount: approximate(amount), amount_aed: approximate(amountAed), amount_decimal: amount, amount_aed_decimal: amountAed };
  }
  const valueAtRiskDecimal = fromMinorUnits(valueAtRisk);
  return {
    candidates: orders.length,
    actionable,
    monitor_only: monitorOnly,
    disqualified,
    disqualified_by_reason: disqualifiedByReason,
    actionable_by_reason: byReason,
    actionable_by_team: byTeam,
    actionable_by_priority: byPriority,
    actionable_by_category: byCategory,
    actionable_by_currency: currencyTotals,
    value_at_risk_aed: approximate(valueAtRiskDecimal),
    value_at_risk_aed_decimal: valueAtRiskDecimal,
    quarantined,
    high_value: highValue,
    customer_impact: customerImpact,
    sanity: sanityCheck(config, actionable),
  };
}
