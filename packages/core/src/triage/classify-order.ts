import type { EcmConfig } from '../config/load-config.js';
import { firstMatching, type FactRecord } from '../config/rule-match.js';
import type { When } from '../config/rule-schema.js';

interface CompiledRule {
  readonly reason: string;
  readonly when: When;
}

export interface Classifier {
  /** The stuck reason of an order: the first matching rule for its currency, else the fallback. */
  classify(facts: FactRecord): string;
}

/** Expands includes once per configuration so classifying an order is a flat scan. */
export function compileClassifier(config: Pick<EcmConfig, 'classification'>): Classifier {
  const { all_currencies, currencies, groups, fallback } = config.classification;
  const expand = (rules: typeof all_currencies): CompiledRule[] =>
    rules.flatMap((rule) => ('include' in rule ? expand(groups[rule.include] ?? []) : [rule]));
  const byCurrency = new Map<string, CompiledRule[]>();
  for (const [currency, rules] of Object.entries(currencies)) byCurrency.set(currency, [...expand(all_currencies), ...expand(rules)]);
  const common = expand(all_currencies);

  return {
    classify(facts) {
      const rules = byCurrency.get(String(facts.currency)) ?? common;
      return firstMatching(rules, facts)?.reason ?? fallback;
    },
  };
}
