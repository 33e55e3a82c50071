import type { Condition, When } from './rule-schema.js';

export type FactValue = string | number | boolean | null;
export type FactRecord = Readonly<Record<string, FactValue>>;

function equals(value: FactValue, expected: string | number | boolean | null): boolean {
  if (expected === null) return value === null;
  return value !== null && value === expected;
}

export function conditionHolds(value: FactValue, condition: Condition): boolean {
  if (condition === null || typeof condition !== 'object') return equals(value, condition);
  if (Array.isArray(condition)) return condition.some((expected) => equals(value, expected));
  // A comparison with a missing value is false, as in SQL.
  if (value === null) return false;
  if (condition.not !== undefined) {
    const excluded = Array.isArray(condition.not) ? condition.not : [condition.not];
    if (excluded.some((expected) => equals(value, expected))) return false;
  }
  if (condition.gt !== undefined || condition.gte !== undefined || condition.lt !== undefined || condition.lte !== undefined) {
    if (typeof value !== 'number') return false;
    if (condition.gt !== undefined && !(value > condition.gt)) return false;
    if (condition.gte !== undefined && !(value >= condition.gte)) return false;
    if (condition.lt !== undefined && !(value < condition.lt)) return false;
    if (condition.lte !== undefined && !(value <= condition.lte)) return false;
  }
  return true;
}

/** True when every condition of `when` holds for the facts (an empty `when` always holds). */
export function ruleMatches(when: When, facts: FactRecord): boolean {
  for (const [name, condition] of Object.entries(when)) {
    if (!conditionHolds(facts[name] ?? null, condition)) return false;
  }
  return true;
}

/** The first item whose `when` holds for the facts, or undefined. */
export function firstMatching<T extends { readonly when: When }>(items: readonly T[], facts: FactRecord): T | undefined {
  return items.find((item) => ruleMatches(item.when, facts));
}
