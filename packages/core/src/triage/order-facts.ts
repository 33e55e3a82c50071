import { z } from 'zod';
import type { FactRecord } from '../config/rule-match.js';
import type { Settings } from '../config/schema.js';
import { HOUR_MS, parseWarehouseTime } from '../warehouse/warehouse-time.js';
import { approximate, convertMinorUnits, fromMinorUnits, isDecimal, toMinorUnits } from './money.js';
import { orderIdSchema } from './order-id.js';
import { errorText } from '../text/error-text.js';

const text = z.string().nullable();
const time = z.string().transform((v, ctx) => {
  // An issue, not a throw, so the caller's message names the row and the order.
  try {
    return parseWarehouseTime(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: errorText(err) });
    return z.NEVER;
  }
});
const num = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `expected a number, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

/**
 * An amount as an exact decimal string. Both drivers hand numeric over as text; a number is accepted
 * for hand-built rows. NULL and NaN (numeric allows 'NaN') are not amounts.
 */
const amount = z.union([z.number(), z.string(), z.null()]).transform((v, ctx) => {
  if (v === null) {
    ctx.addIssue({ code: 'custom', message: 'amount is missing (NULL)' });
    return z.NEVER;
  }
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'NaN') : v.trim();
  if (!isDecimal(text)) {
    ctx.addIssue({ code: 'custom', message: `amount is not a decimal number: ${JSON.stringify(text.slice(0, 40))}` });
    return z.NEVER;
  }
  return fromMinorUnits(toMinorUnits(text));
});

/**
 * One row of shared/queries/stuck_candidates.sql, parsed. A row that fails here is quarantined by
 * its caller: left out of the run and listed with the first problem, never allowed to stop the day.
 */
export const candidateRowSchema = z.object({
  order_id: orderIdSchema,
  owner_id: z.string({ message: 'customer (owner_id) is missing' }).min(1, 'customer (owner_id) is empty'),
  status: text,
  sub_state: text,
  currency: z.string({ message: 'send currency is missing' }).min(1),
  send_amount: amount,
  receive_amount: amount.nullable(),
  acquirer: text,
  created_at: time,
  updated_at: time.nullable(),
  paid: num.transform((n) => n > 0),
  payment: text,
  ftv_id: text,
  falcon: text,
  payout: text,
  partner: text,
  attempts: num,
  lulu: text,
  lulu_client: text,
  rfi: text,
  rfi_modified_at: time.nullable(),
  uae_manual: text,
  checkout: text,
  trm: num.transform((n) => n > 0),
  rda: text,
  last_activity_at: time,
});
export type CandidateRow = z.infer<typeof candidateRowSchema>;

/** What the warehouse says about one order, as the classifier sees it. */
export interface OrderFacts extends Omit<CandidateRow, 'payment'> {
  /** COMPLETED when any payment completed (the latest COMPLETED one counts), else the latest status. */
  readonly payment: string | null;
}

export function toOrderFacts(row: CandidateRow): OrderFacts {
  return { ...row, payment: row.paid ? 'COMPLETED' : row.payment };
}

export type PartnerClass = 'bulk_vda' | 'rda' | 'vda_api';

export function partnerClass(settings: Settings, partner: string | null, receiveAmount: string | number | null): PartnerClass | null {
  if (!partner) return null;
  const p = settings.partners;
  if (p.bulk_vda.includes(partner)) return 'bulk_vda';
  if (
    p.bulk_vda_above_receive_amount.partners.includes(partner) &&
    Number(receiveAmount ?? 0) > p.bulk_vda_above_receive_amount.receive_amount
  )
    return 'bulk_vda';
  if (p.rda.includes(partner)) return 'rda';
  return 'vda_api';
}

/** The amount in AED at the configured rate, exact to the fils: a decimal string. */
export function amountInAedDecimal(settings: Settings, currency: string, amount: string | number): string {
  const rate = settings.fx_to_aed[currency];
  if (rate === undefined) throw new Error(`no FX rate to AED for ${currency} in config/ecm.yaml fx_to_aed`);
  return fromMinorUnits(convertMinorUnits(toMinorUnits(String(amount)), rate));
}

/** The AED amount as a number, for comparisons with configured thresholds. */
export function amountInAed(settings: Settings, currency: string, amount: string | number): number {
  return approximate(amountInAedDecimal(settings, currency, amount));
}

export function hoursSince(asOf: Date, from: Date): number {
  return (asOf.getTime() - from.getTime()) / HOUR_MS;
}

/** The flat fact record the rule language reads (config/classification.yaml lists the names). */
export function ruleFacts(settings: Settings, facts: OrderFacts, asOf: Date): Record<string, string | number | boolean | null> {
  return {
    currency: facts.currency,
    status: facts.status,
    sub_state: facts.sub_state,
    acquirer: facts.acquirer,
    paid: facts.paid,
    payment: facts.payment,
    ftv: facts.ftv_id !== null,
    falcon: facts.falcon,
    payout: facts.payout,
    partner: facts.partner,
    partner_class: partnerClass(settings, facts.partner, facts.receive_amount),
    attempts: facts.attempts,
    has_payout: facts.payout !== null,
    lulu: facts.lulu,
    lulu_client: facts.lulu_client,
    has_lulu: facts.lulu !== null,
    rfi: facts.rfi,
    has_rfi: facts.rfi !== null,
    trm: facts.trm,
    uae_manual: facts.uae_manual,
    checkout: facts.checkout,
    rda: facts.rda,
    live: facts.status !== 'FAILED',
    hours: hoursSince(asOf, facts.created_at),
    receive_amount: facts.receive_amount === null ? null : approximate(facts.receive_amount),
    amount_aed: amountInAed(settings, facts.currency, facts.send_amount),
    stuck_reason: null,
  } satisfies FactRecord;
}
