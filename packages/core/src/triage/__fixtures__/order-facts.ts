import type { OrderFacts } from '../order-facts.js';
import { HOUR_MS } from '../../warehouse/warehouse-time.js';

/** The run time every hand-built order is measured against. */
export const AS_OF = new Date('2026-02-17T01:30:00.000Z');

/** An order described by its facts; `hours` is its age at AS_OF (default 30). */
/** Amounts may be given as numbers for brevity; the facts hold them as decimal strings, as the warehouse does. */
export type OrderSpec = Partial<Omit<OrderFacts, 'created_at' | 'last_activity_at' | 'send_amount' | 'receive_amount'>> & {
  readonly hours?: number;
  readonly send_amount?: number | string;
  readonly receive_amount?: number | string | null;
};

let sequence = 0;

/** The downstream columns of an order nothing has happened to yet: no Falcon, payout, Lulu, RFI or checks. */
export const NOTHING_DOWNSTREAM = {
  ftv_id: null,
  falcon: null,
  payout: null,
  partner: null,
  lulu: null,
  lulu_client: null,
  rfi: null,
  rfi_modified_at: null,
  uae_manual: null,
  checkout: null,
  rda: null,
} as const;

/**
 * A candidate's facts as the warehouse would report them. Defaults: a paid, live AED order
 * (PROCESSING_DEAL_IN / FULFILLMENT_PENDING, CHECKOUT) with nothing downstream, 30 h old.
 */
export function orderFacts(spec: OrderSpec = {}): OrderFacts {
  const { hours = 30, send_amount = 1_000, receive_amount = 22_700, ...rest } = spec;
  const created = new Date(AS_OF.getTime() - hours * HOUR_MS);
  const paid = rest.paid ?? true;
  sequence++;
  return {
    order_id: `ORD-T${String(sequence).padStart(6, '0')}`,
    owner_id: 'CUS-0000001',
    status: 'PROCESSING_DEAL_IN',
    sub_state: 'FULFILLMENT_PENDING',
    currency: 'AED',
    send_amount: String(send_amount),
    receive_amount: receive_amount === null ? null : String(receive_amount),
    acquirer: 'CHECKOUT',
    updated_at: null,
    ...NOTHING_DOWNSTREAM,
    attempts: 0,
    trm: false,
    ...rest,
    paid,
    // As toOrderFacts does: a completed payment wins over later attempts.
    payment: paid ? 'COMPLETED' : (rest.payment ?? null),
    created_at: created,
    last_activity_at: created,
  };
}

/** A Falcon transaction with its latest payout attempt (and `attempts` rows in all). */
export function payout(status: string, partner: string, attempts = 1): OrderSpec {
  return { ftv_id: 'FTV-T', falcon: 'PROCESSING', payout: status, partner, attempts };
}

/** A Falcon transaction without any payout attempt yet. */
export function falcon(status = 'PROCESSING'): OrderSpec {
  return { ftv_id: 'FTV-T', falcon: status };
}
