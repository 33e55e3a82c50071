import { firstMatching, type FactRecord } from '../config/rule-match.js';
import type { FactorBands, Priority, Settings } from '../config/schema.js';

export interface ScoreFactors {
  readonly age: number;
  readonly amount: number;
  readonly severity: number;
  /** Learned multiplier applied to severity (§13); 1 unless resolution feedback says otherwise. */
  readonly multiplier: number;
  readonly rfi: number;
  readonly payment: number;
  readonly attempts: number;
}

export interface Score {
  readonly score: number;
  readonly priority: Priority;
  readonly factors: ScoreFactors;
}

export function bandValue(bands: FactorBands, facts: FactRecord): number {
  return firstMatching(bands.bands, facts)?.value ?? bands.default;
}

export function priorityOf(settings: Settings, score: number): Priority {
  for (const band of settings.priorities.bands) if (score >= band.min_score) return band.priority;
  return settings.priorities.otherwise;
}

/** §7: the weighted score with every factor kept, and its priority. */
export function scoreOrder(settings: Settings, facts: FactRecord, severity: number, multiplier = 1): Score {
  const f = settings.scoring.factors;
  const w = settings.scoring.weights;
  const factors: ScoreFactors = {
    age: bandValue(f.age, facts),
    amount: bandValue(f.amount, facts),
    severity,
    multiplier,
    rfi: bandValue(f.rfi, facts),
    payment: bandValue(f.payment, facts),
    attempts: bandValue(f.attempts, facts),
  };
  const raw =
    w.age * factors.age +
    w.amount * factors.amount +
    w.severity * factors.severity * factors.multiplier +
    w.rfi * factors.rfi +
    w.payment * factors.payment +
    w.attempts * factors.attempts;
  // Rounded so that a score sitting exactly on a threshold (0.7) is not lost to binary fractions.
  const score = Math.round(raw * 1e6) / 1e6;
  return { score, priority: priorityOf(settings, score), factors };
}
