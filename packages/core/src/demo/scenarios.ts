import type { Random } from './random.js';

/** One demo order and every downstream record it has, before it becomes table rows. */
export interface DemoOrder {
  id: string;
  owner: string;
  currency: string;
  amount: number;
  receive: number;
  acquirer: string;
  status: string;
  subState: string;
  created: Date;
  /** Latest payment last; `null` status means no payment row at all. */
  payments: string[];
  falcon: string | null;
  /** One entry per payout attempt, oldest first. */
  payouts: string[];
  partner: string | null;
  lulu: string | null;
  luluClient: string;
  rfi: string | null;
  /** Hours between the RFI's last change and T; above 4 h the field agent is told to check the live console. */
  rfiAgeHours: number;
  uaeManual: string | null;
  checkout: string | null;
  trm: boolean;
  rda: string | null;
}

/** Order age bounds in hours at the seed's as-of time. */
export interface AgeRange {
  readonly min: number;
  readonly max: number;
  /** Skewed towards recent orders (old stuck orders mostly got fixed), or uniform. */
  readonly shape: 'recent' | 'uniform';
}

export interface Scenario {
  /** The stuck reason, disqualification or monitor outcome the scenario is built to produce. */
  readonly expect: string;
  /** Orders of this kind in 150,000 (the default demo size). */
  readonly per150k: number;
  readonly currencies: readonly string[];
  readonly age: AgeRange;
  build(o: DemoOrder, r: Random): void;
}

const RECENT: AgeRange = { min: 12.2, max: 500, shape: 'recent' };
const OVER24: AgeRange = { min: 24.5, max: 500, shape: 'recent' };
const WITHIN24: AgeRange = { min: 12.2, max: 23.8, shape: 'uniform' };
const WITHIN16: AgeRange = { min: 12.2, max: 15.8, shape: 'uniform' };
const OVER16: AgeRange = { min: 16.5, max: 400, shape: 'recent' };
const STALE: AgeRange = { min: 510, max: 700, shape: 'uniform' };

export const BULK_PARTNERS = ['VELTOPAYZ_HVT_BULK', 'VELTOPAYZ_KPR_BULK', 'ARMSTRONG_PARTNER_DASHBOARD', 'TANGOPE_V3'];
export const VDA_API_PARTNERS = ['VELTOPAYZ_V4', 'VELTOPAYZ_V5', 'VELTOPAYZ_V6', 'SINGHAI_2025_V2', 'PAYRAIL_V2'];

function paid(o: DemoOrder): void {
  o.payments = ['COMPLETED'];
}
function live(o: DemoOrder, status = 'PROCESSING_DEAL_IN', subState = 'FULFILLMENT_PENDING'): void {
  o.status = status;
  o.subState = subState;
}
function payout(o: DemoOrder, status: string, partner: string, attempts = 1): void {
  o.falcon ??= 'PROCESSING';
  o.partner = partner;
  o.payouts = [...Array.from({ length: attempts - 1 }, () => 'PAYOUT_ATTEMPT_FAILED'), status];
}

/**
 * The stuck situations of the domain reference, one scenario per rule of §4 and per
 * disqualification of §6, with typical daily volumes. Everything else in the demo completes.
 */
export const SCENARIOS: readonly Scenario[] = [
  // ---- Disqualified: not real work (§6) ----
  {
    expect: 'abandoned_payment',
    per150k: 170,
    currencies: ['AED', 'GBP', 'EUR'],
    age: RECENT,
    build(o, r) {
      live(o, 'PENDING', 'PENDING');
      o.payments = r.pick([['CREATED'], ['INITIATED'], []]);
    },
  },
  {
    expect: 'abandoned_retry',
    per150k: 50,
    currencies: ['AED', 'GBP', 'EUR'],
    age: RECENT,
    build(o) {
      live(o, 'PENDING', 'AWAIT_RETRY_INTENT');
      o.payments = ['FAILED'];
    },
  },
  {
    expect: 'unpaid',
    per150k: 40,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o, r) {
      live(o, 'PENDING', 'PENDING');
      o.payments = [r.pick(['PENDING', 'FAILED'])];
    },
  },
  {
    expect: 'no_lulu_record',
    per150k: 30,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o);
      o.lulu = null;
    },
  },
  {
    expect: 'dead_order',
    per150k: 35,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'IN_PROGRESS', 'FULFILLMENT_TRIGGER');
    },
  },
  {
    expect: 'stale_uncategorized',
    per150k: 8,
    currencies: ['GBP'],
    age: STALE,
    build(o) {
      paid(o);
      live(o, 'IN_PROGRESS', 'FULFILLMENT_PENDING');
      o.falcon = 'PROCESSING';
    },
  },

  // ---- Ops ----
  {
    expect: 'falcon_failed_order_completed_issue',
    per150k: 8,
    currencies: ['AED', 'GBP', 'EUR'],
    age: RECENT,
    build(o) {
      paid(o);
      o.status = 'COMPLETED';
      o.subState = 'FULFILLMENT_COMPLETED';
      o.falcon = 'FAILED';
      if (o.currency === 'AED') o.lulu = 'TXN_TRANSMITTED';
    },
  },
  {
    expect: 'status_sync_issue',
    per150k: 12,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o);
      o.lulu = 'CREDITED';
    },
  },
  {
    expect: 'status_sync_issue',
    per150k: 5,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'IN_PROGRESS', 'AWAIT_EXTERNAL_ACTION');
      o.lulu = 'CREDITED';
      o.luluClient = 'LULU_CORPORATE';
      payout(o, 'COMPLETED', 'VANCE_RDA');
    },
  },
  {
    expect: 'status_sync_issue',
    per150k: 6,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'IN_PROGRESS', 'FULFILLMENT_TRIGGER');
      payout(o, 'COMPLETED', 'VELTOPAYZ_V5');
    },
  },
  {
    expect: 'brn_issue',
    per150k: 5,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'PAYMENT_SUCCESS');
      o.acquirer = 'CHECKOUT';
      o.checkout = 'CAPTURED';
      o.lulu = 'PAYMENT_PENDING';
    },
  },
  {
    expect: 'brn_issue',
    per150k: 4,
    currencies: ['AED'],
    age: RECENT,
    build(o, r) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'PAYMENT_SUCCESS');
      o.acquirer = 'UAE_MANUAL';
      o.uaeManual = 'RECONCILED';
      o.lulu = r.pick(['CREATED', 'PAYMENT_PENDING']);
    },
  },
  {
    expect: 'stuck_at_lean_recon',
    per150k: 12,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'PAYMENT_SUCCESS');
      o.acquirer = 'LEANTECH';
      o.lulu = 'PAYMENT_PENDING';
    },
  },
  {
    expect: 'stuck_at_lulu',
    per150k: 90,
    currencies: ['AED'],
    age: RECENT,
    build(o, r) {
      paid(o);
      live(o);
      o.acquirer = 'CHECKOUT';
      o.checkout = 'CAPTURED';
      o.lulu = r.pick(['TXN_TRANSMITTED', 'CREATED']);
    },
  },
  {
    expect: 'refund_pending',
    per150k: 25,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'FAILED', 'REFUND_TRIGGERED');
      o.lulu = 'CANCELLATION_COMPLETED';
    },
  },
  {
    expect: 'refund_pending',
    per150k: 20,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'FAILED', 'FAILED');
    },
  },
  {
    expect: 'refund_pending',
    per150k: 4,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'PENDING', 'TRIGGER_REFUND');
      o.acquirer = 'CHECKOUT';
      o.checkout = 'CAPTURED';
      o.lulu = 'CANCELLATION_COMPLETED';
      payout(o, 'FAILED', 'VANCE_RDA');
    },
  },
  {
    expect: 'refund_pending',
    per150k: 4,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'PENDING', 'TRIGGER_REFUND');
      o.acquirer = 'LEANTECH';
      o.lulu = 'CANCELLATION_COMPLETED';
      payout(o, 'COMPLETED', 'VANCE_RDA');
    },
  },
  {
    expect: 'cancellation_pending',
    per150k: 4,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'PENDING', 'MANUAL_REVIEW');
      o.acquirer = 'LEANTECH';
      o.lulu = 'TXN_TRANSMITTED';
      payout(o, 'FAILED', 'VANCE_RDA', 2);
    },
  },
  {
    expect: 'cancellation_pending',
    per150k: 5,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'PENDING', 'MANUAL_REVIEW');
      o.lulu = 'CANCELLATION_REQUEST_CREATED';
      payout(o, 'COMPLETED', 'VANCE_RDA');
    },
  },
  {
    expect: 'cancellation_pending',
    per150k: 4,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o);
      o.acquirer = 'CHECKOUT';
      o.checkout = 'CAPTURED';
      o.lulu = 'TXN_TRANSMITTED';
      o.falcon = 'FAILED';
    },
  },
  {
    expect: 'stuck_at_rda_partner',
    per150k: 5,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o);
      o.acquirer = 'CHECKOUT';
      o.checkout = 'CAPTURED';
      o.lulu = 'TXN_TRANSMITTED';
      payout(o, 'PROCESSING', 'VANCE_RDA');
    },
  },
  {
    expect: 'stuck_at_rda_partner',
    per150k: 6,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o);
      o.acquirer = 'LEANTECH';
      o.lulu = 'TXN_TRANSMITTED';
      payout(o, 'PROCESSING', 'VANCE_RDA');
    },
  },
  {
    expect: 'stuck_at_rda_partner',
    per150k: 15,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o);
      payout(o, 'PROCESSING', 'VANCE_RDA');
      o.rda = 'PROCESSING';
    },
  },
  {
    expect: 'stuck_due_to_payment_issue_goms',
    per150k: 110,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o, r) {
      o.payments = r.chance(0.3) ? ['FAILED', 'COMPLETED'] : ['COMPLETED'];
      live(o, 'PENDING', r.pick(['AWAIT_RETRY_INTENT', 'PENDING']));
    },
  },
  // A novel pattern: one signature, many orders, no rule knows it.
  {
    expect: 'uncategorized',
    per150k: 12,
    currencies: ['GBP'],
    age: { min: 14, max: 120, shape: 'uniform' },
    build(o) {
      paid(o);
      live(o, 'IN_PROGRESS', 'FULFILLMENT_PENDING');
      o.falcon = 'PROCESSING';
    },
  },
  {
    expect: 'uncategorized',
    per150k: 3,
    currencies: ['AED'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'MANUAL_REVIEW');
      o.acquirer = 'CHECKOUT';
      o.checkout = 'CAPTURED';
      o.lulu = 'CREATED';
      o.falcon = 'QUEUED';
    },
  },

  // ---- KYC_ops ----
  {
    expect: 'rfi_order_within_24_hr',
    per150k: 8,
    currencies: ['AED'],
    age: WITHIN24,
    build(o) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'MANUAL_REVIEW');
      o.lulu = 'CREATED';
      o.rfi = 'REQUESTED';
    },
  },
  {
    expect: 'rfi_order_grtr_than_24_hr',
    per150k: 25,
    currencies: ['AED'],
    age: OVER24,
    build(o, r) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'MANUAL_REVIEW');
      o.lulu = 'CREATED';
      o.rfi = r.weighted([
        ['REQUESTED', 6],
        ['SUBMITTED', 2],
        ['EXPIRED', 1],
        ['REJECTED', 1],
      ]);
    },
  },
  {
    expect: 'stuck_at_rda_partner_rfi_within_24_hrs',
    per150k: 6,
    currencies: ['GBP', 'EUR'],
    age: WITHIN24,
    build(o) {
      paid(o);
      live(o);
      payout(o, 'PROCESSING', 'VANCE_RDA');
      o.rda = 'ONHOLD';
      o.rfi = 'REQUESTED';
    },
  },
  {
    expect: 'stuck_at_rda_partner_rfi_within_24_hrs',
    per150k: 2,
    currencies: ['AED'],
    age: WITHIN24,
    build(o) {
      paid(o);
      live(o);
      o.lulu = 'TXN_TRANSMITTED';
      payout(o, 'PROCESSING', 'VANCE_RDA');
      o.rda = 'ONHOLD';
      o.rfi = 'SUBMITTED';
    },
  },
  {
    expect: 'stuck_at_rda_partner_rfi_grtr_than_24_hrs',
    per150k: 15,
    currencies: ['GBP', 'EUR'],
    age: OVER24,
    build(o, r) {
      paid(o);
      live(o);
      payout(o, 'PROCESSING', 'VANCE_RDA');
      o.rda = 'ONHOLD';
      o.rfi = r.pick(['REQUESTED', 'SENT_TO_PROVIDER', 'RE_OPEN']);
    },
  },
  {
    expect: 'stuck_at_rda_partner_rfi_grtr_than_24_hrs',
    per150k: 4,
    currencies: ['GBP', 'EUR'],
    age: OVER24,
    build(o) {
      paid(o);
      live(o);
      payout(o, 'ADDITIONAL_DOCUMENTS_REQUIRED', 'VANCE_RDA');
      o.rfi = 'REQUESTED';
    },
  },
  {
    expect: 'no_rfi_created',
    per150k: 8,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o);
      payout(o, 'PROCESSING', 'VANCE_RDA');
      o.rda = 'ONHOLD';
    },
  },
  {
    expect: 'no_rfi_created',
    per150k: 3,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o);
      payout(o, 'ADDITIONAL_DOCUMENTS_REQUIRED', 'VANCE_RDA');
    },
  },
  {
    expect: 'stuck_due_trm',
    per150k: 20,
    currencies: ['GBP', 'EUR'],
    age: RECENT,
    build(o) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'MANUAL_REVIEW');
      o.trm = true;
    },
  },
  {
    expect: 'stuck_due_trm_rfi_within_24_hrs',
    per150k: 6,
    currencies: ['GBP', 'EUR'],
    age: WITHIN24,
    build(o) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'MANUAL_REVIEW');
      o.trm = true;
      o.rfi = 'REQUESTED';
    },
  },
  {
    expect: 'stuck_due_trm_rfi_grtr_than_24_hrs',
    per150k: 12,
    currencies: ['GBP', 'EUR'],
    age: OVER24,
    build(o, r) {
      paid(o);
      live(o, 'PROCESSING_DEAL_IN', 'MANUAL_REVIEW');
      o.trm = true;
      o.rfi = r.pick(['REQUESTED', 'SUBMITTED', 'EXPIRED']);
    },
  },

  // ---- VDA_ops ----
  {
    expect: 'stuck_at_vda_partner',
    per150k: 30,
    currencies: ['GBP', 'EUR', 'AED'],
    age: RECENT,
    build(o, r) {
      paid(o);
      live(o);
      if (o.currency === 'AED') o.lulu = 'TXN_TRANSMITTED';
      o.receive = Math.min(o.receive, 45_000);
      payout(
        o,
        r.pick(['PROCESSING', 'ATTEMPTING_PAYOUT', 'PENDING']),
        r.pick(VDA_API_PARTNERS),
        r.weighted([
          [1, 6],
          [2, 2],
          [3, 1],
        ]),
      );
    },
  },
  {
    expect: 'bulk_vda_order_within_16_hrs',
    per150k: 10,
    currencies: ['GBP', 'EUR'],
    age: WITHIN16,
    build(o, r) {
      paid(o);
      live(o);
      payout(o, 'PROCESSING', r.pick(BULK_PARTNERS));
    },
  },
  {
    expect: 'bulk_vda_order_grtr_than_16_hrs',
    per150k: 16,
    currencies: ['GBP', 'EUR'],
    age: OVER16,
    build(o, r) {
      paid(o);
      live(o);
      payout(o, 'PROCESSING', r.pick(BULK_PARTNERS));
    },
  },
  {
    expect: 'bulk_vda_order_grtr_than_16_hrs',
    per150k: 4,
    currencies: ['GBP', 'EUR'],
    age: OVER16,
    build(o) {
      paid(o);
      live(o);
      o.amount = Math.max(o.amount, 1_200);
      o.receive = Math.max(o.receive, 60_000 + o.amount);
      payout(o, 'PROCESSING', 'SINGHAI_2025_V2');
    },
  },
];
