import { formatMinorUnits, toMinorUnits } from './money.js';
import type { OrderFacts } from './order-facts.js';

const money = (decimal: string) => formatMinorUnits(toMinorUnits(decimal), { decimals: 2 });

/** The reason's one-line action with the order's facts in place of its {placeholders}. */
export function fillAction(template: string, facts: OrderFacts, amountAed: string, hours: number): string {
  const values: Record<string, string> = {
    amount: money(facts.send_amount),
    currency: facts.currency,
    amount_aed: money(amountAed),
    acquirer: facts.acquirer ?? 'unknown acquirer',
    partner: facts.partner ?? 'no payout partner',
    hours: String(Math.floor(hours)),
    order_id: facts.order_id,
  };
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
