import type { EcmConfig } from '../config/load-config.js';
import { firstMatching, type FactRecord } from '../config/rule-match.js';

export interface Disqualification {
  readonly reason: string;
  readonly explain: string;
}

/** §6: the first disqualification whose rule holds, or null when the order is real work. */
export function disqualifyOrder(config: Pick<EcmConfig, 'disqualification'>, facts: FactRecord): Disqualification | null {
  const rule = firstMatching(config.disqualification, facts);
  return rule ? { reason: rule.reason, explain: rule.explain } : null;
}
