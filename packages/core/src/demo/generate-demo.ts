import { HOUR_MS, toWarehouseTime } from '../warehouse/warehouse-time.js';
import { Random } from './random.js';
import { SCENARIOS, VDA_API_PARTNERS, type AgeRange, type DemoOrder, type Scenario } from './scenarios.js';

export interface DemoOptions {
  /** Orders in the whole window (default 150,000: about 5,000 a day for 30 days). */
  readonly orders: number;
  readonly days: number;
  readonly seed: number;
  readonly asOf: Date;
  /** Multiplies every stuck scenario's volume (a broken-feed day is `--stuck-scale 6`). */
  readonly stuckScale?: number;
}

export const DEFAULT_DEMO = { orders: 150_000, days: 30, seed: 42 } as const;

export type TableName =
  | 'orders_goms'
  | 'payments_goms'
  | 'falcon_transactions_v2'
  | 'transaction_payout'
  | 'lulu_data'
  | 'transfer_rfi'
  | 'uae_manual_payments'
  | 'checkout_payment_data'
  | 'fulfillments_goms'
  | 'rda_fulfillments'
  | 'customers';

export type Cell = string | number | null;

/** Column names and the PostgreSQL array type used to bulk-insert them. */
export const TABLE_COLUMNS: Readonly<Record<TableName, readonly (readonly [string, 'varchar' | 'numeric' | 'timestamp'])[]>> = {
  orders_goms: [
    ['order_id', 'varchar'],
    ['owner_id', 'varchar'],
    ['status', 'varchar'],
    ['sub_state', 'varchar'],
    ['meta_postscript_pricing_info_send_currency', 'varchar'],
    ['meta_postscript_pricing_info_send_amount', 'numeric'],
    ['meta_postscript_pricing_info_receive_amount', 'numeric'],
    ['meta_postscript_acquirer', 'varchar'],
    ['created_at', 'timestamp'],
    ['updated_at', 'timestamp'],
  ],
  payments_goms: [
    ['payment_id', 'varchar'],
    ['reference_id', 'varchar'],
    ['payment_status', 'varchar'],
    ['amount', 'numeric'],
    ['created_at', 'timestamp'],
    ['updated_at', 'timestamp'],
  ],
  falcon_transactions_v2: [
    ['transaction_id', 'varchar'],
    ['client_txn_id', 'varchar'],
    ['status', 'varchar'],
    ['created_at', 'timestamp'],
    ['updated_at', 'timestamp'],
  ],
  transaction_payout: [
    ['payout_id', 'varchar'],
    ['transaction_id', 'varchar'],
    ['status', 'varchar'],
    ['payout_partner', 'varchar'],
    ['created_at', 'timestamp'],
    ['updated_at', 'timestamp'],
  ],
  lulu_data: [
    ['order_id', 'varchar'],
    ['status', 'varchar'],
    ['sub_status', 'varchar'],
    ['lulu_client', 'varchar'],
    ['created_at', 'timestamp'],
    ['updated_at', 'timestamp'],
  ],
  transfer_rfi: [
    ['rfi_id', 'varchar'],
    ['reference_id', 'varchar'],
    ['status', 'varchar'],
    ['rfitype', 'varchar'],
    ['created_at', 'timestamp'],
    ['modified_at', 'timestamp'],
  ],
  uae_manual_payments: [
    ['order_id', 'varchar'],
    ['status', 'varchar'],
    ['created_at', 'timestamp'],
  ],
  checkout_payment_data: [
    ['order_id', 'varchar'],
    ['status', 'varchar'],
    ['created_at', 'timestamp'],
  ],
  fulfillments_goms: [
    ['order_id', 'varchar'],
    ['created_at', 'timestamp'],
    ['updated_at', 'timestamp'],
  ],
  rda_fulfillments: [
    ['order_id', 'varchar'],
    ['status', 'varchar'],
    ['created_at', 'timestamp'],
  ],
  customers: [
    ['owner_id', 'varchar'],
    ['full_name', 'varchar'],
    ['email', 'varchar'],
    ['phone', 'varchar'],
  ],
};

export interface RowBatch {
  readonly table: TableName;
  readonly rows: Cell[][];
}

export interface DemoProgress {
  readonly ordersDone: number;
  readonly ordersTotal: number;
}

/** What the generator built, for tests and the seed summary. */
export interface DemoManifest {
  readonly orders: number;
  readonly customers: number;
  /** Order id → the outcome its scenario was built to produce. */
  readonly expected: ReadonlyMap<string, string>;
}

const FIRST = [
  'Aarav',
  'Meera',
  'Omar',
  'Leila',
  'Ravi',
  'Sana',
  'Tariq',
  'Nadia',
  'Kiran',
  'Zara',
  'Imran',
  'Priya',
  'Yusuf',
  'Anika',
  'Farhan',
  'Divya',
];
const LAST = ['Demoson', 'Samplewala', 'Testington', 'Fictus', 'Placeholda', 'Mockery', 'Exemplar', 'Stubbs', 'Fixtura', 'Synthetica'];

const MINUTE = 60_000;
const round2 = (n: number) => Math.round(n * 100) / 100;
const INR_PER_AED = 22.7;
const FX: Record<string, number> = { AED: 1, GBP: 4.9, EUR: 4.2, USD: 3.67 };
const ACQUIRERS: Record<string, readonly (readonly [string, number])[]> = {
  AED: [
    ['CHECKOUT', 5],
    ['LEANTECH', 3],
    ['UAE_MANUAL', 2],
  ],
  GBP: [
    ['CHECKOUT', 6],
    ['TRUELAYER', 4],
  ],
  EUR: [
    ['CHECKOUT', 7],
    ['TRUELAYER', 3],
  ],
  USD: [['CHECKOUT', 1]],
};
const TYPICAL_AMOUNT: Record<string, number> = { AED: 1_800, GBP: 380, EUR: 420, USD: 500 };

function ageHours(r: Random, age: AgeRange): number {
  if (age.shape === 'uniform') return r.between(age.min, age.max);
  // Most stuck orders are a day or two old; a long tail lasts weeks.
  for (;;) {
    const h = age.min + r.exponential(40);
    if (h <= age.max) return h;
  }
}

function amountFor(r: Random, currency: string): number {
  // Log-normal-ish: many small transfers, a few large ones.
  const typical = TYPICAL_AMOUNT[currency] ?? 500;
  const factor = Math.exp((r.next() + r.next() + r.next() - 1.5) * 1.6);
  return Math.max(10, round2(typical * factor));
}

interface PlannedStuck {
  readonly scenario: Scenario;
  readonly created: number;
}

/** Every stuck order to create, oldest first: at least one per scenario so every rule occurs. */
function planStuckOrders(r: Random, options: DemoOptions, start: number, end: number): PlannedStuck[] {
  const scale = (options.orders / DEFAULT_DEMO.orders) * (options.stuckScale ?? 1);
  const planned: PlannedStuck[] = [];
  const asOf = options.asOf.getTime();
  for (const scenario of SCENARIOS) {
    const count = Math.max(1, Math.round(scenario.per150k * scale));
    for (let i = 0; i < count; i++) {
      const created = asOf - ageHours(r, scenario.age) * HOUR_MS;
      planned.push({ scenario, created: Math.max(start, Math.min(end - MINUTE, created)) });
    }
  }
  return planned.sort((a, b) => a.created - b.created);
}

function baseOrder(r: Random, index: number, created: number, currency: string, customers: number): DemoOrder {
  const amount = amountFor(r, currency);
  return {
    id: `ORD-${String(index).padStart(8, '0')}`,
    owner: `CUS-${String(r.int(1, customers)).padStart(7, '0')}`,
    currency,
    amount,
    receive: round2(amount * (FX[currency] ?? 1) * INR_PER_AED),
    acquirer: r.weighted(ACQUIRERS[currency] ?? ACQUIRERS.AED!),
    status: 'COMPLETED',
    subState: 'FULFILLMENT_COMPLETED',
    created: new Date(created),
    payments: [],
    falcon: null,
    payouts: [],
    partner: null,
    lulu: null,
    luluClient: 'LULU',
    rfi: null,
    rfiAgeHours: 0,
    uaeManual: null,
    checkout: null,
    trm: false,
    rda: null,
  };
}

/** An order that went through normally, or one still young and in flight, or one never meant to be a candidate. */
function shapeNormalOrder(o: DemoOrder, r: Random, ageH: number): void {
  const completed = (): void => {
    o.payments = r.chance(0.06) ? ['FAILED', 'COMPLETED'] : ['COMPLETED'];
    o.falcon = 'COMPLETED';
    o.partner =
      o.currency === 'AED'
        ? 'VANCE_RDA'
        : r.weighted([
            ['VANCE_RDA', 5],
            [VDA_API_PARTNERS[0]!, 3],
            ['VELTOPAYZ_HVT_BULK', 1],
          ]);
    o.payouts = r.chance(0.04) ? ['PAYOUT_ATTEMPT_FAILED', 'COMPLETED'] : ['COMPLETED'];
    if (o.currency === 'AED') o.lulu = 'CREDITED';
    if (o.acquirer === 'CHECKOUT') o.checkout = 'CAPTURED';
    if (o.acquirer === 'UAE_MANUAL') o.uaeManual = 'RECONCILED';
    if (r.chance(0.01)) {
      o.trm = true;
      o.rfi = 'VERIFIED';
      o.rfiAgeHours = ageH - 2;
    }
  };
  // Young orders are often still moving through the systems: today's pipeline.
  if (ageH < 12 && r.chance(0.12)) {
    o.status = 'PROCESSING_DEAL_IN';
    o.subState = r.pick(['FULFILLMENT_PENDING', 'FULFILLMENT_TRIGGER', 'PAYMENT_SUCCESS', 'AWAIT_EXTERNAL_ACTION']);
    o.payments = ['COMPLETED'];
    o.falcon = r.chance(0.5) ? 'CREATED' : null;
    if (o.currency === 'AED') o.lulu = 'TXN_TRANSMITTED';
    return;
  }
  // States that are never candidates (§3): normal monitoring, abandoned checkouts, cancellations.
  const roll = r.next();
  if (roll < 0.004) {
    o.status = 'PROCESSING_DEAL_IN';
    o.subState = 'CNR_RESERVED_WAIT';
    o.payments = ['COMPLETED'];
    if (o.currency === 'AED') o.lulu = 'CREATED';
  } else if (roll < 0.025) {
    o.status = r.pick(['CANCELLED', 'CREATED', 'PRE_ORDER']);
    o.subState = r.pick(['INIT_PAYMENT', 'PAYMENT_INITIATED', 'CANCELLED']);
    o.payments = r.chance(0.5) ? ['INITIATED'] : [];
  } else {
    completed();
  }
}

function rowsOf(o: DemoOrder, asOf: number, push: (table: TableName, row: Cell[]) => void): void {
  const created = o.created.getTime();
  const at = (minutes: number): string => toWarehouseTime(new Date(Math.min(asOf - MINUTE, created + minutes * MINUTE)));
  const lastTouch = o.status === 'COMPLETED' && o.falcon !== 'FAILED' ? 45 : 20;
  push('orders_goms', [o.id, o.owner, o.status, o.subState, o.currency, o.amount, o.receive, o.acquirer, at(0), at(lastTouch)]);
  o.payments.forEach((status, i) => {
    push('payments_goms', [`PAY-${o.id.slice(4)}-${i + 1}`, o.id, status, o.amount, at(1 + i * 5), at(2 + i * 5)]);
  });
  const ftvId = `FTV-${o.id.slice(4)}`;
  if (o.falcon) push('falcon_transactions_v2', [ftvId, o.id, o.falcon, at(8), at(o.falcon === 'COMPLETED' ? 40 : 15)]);
  if (o.falcon && o.partner) {
    o.payouts.forEach((status, i) => {
      push('transaction_payout', [`PO-${o.id.slice(4)}-${i + 1}`, ftvId, status, o.partner, at(10 + i * 30), at(12 + i * 30)]);
    });
  }
  if (o.lulu)
    push('lulu_data', [
      o.id,
      o.lulu === 'CREDITED' ? 'COMPLETED' : 'IN_PROGRESS',
      o.lulu,
      o.luluClient,
      at(5),
      at(o.lulu === 'CREDITED' ? 42 : 18),
    ]);
  if (o.rfi) {
    const modified = toWarehouseTime(new Date(Math.max(created + 10 * MINUTE, asOf - o.rfiAgeHours * HOUR_MS)));
    push('transfer_rfi', [`RFI-${o.id.slice(4)}`, o.id, o.rfi, o.trm ? 'SOURCE_OF_FUNDS' : 'PROOF_OF_ADDRESS', at(9), modified]);
  }
  if (o.uaeManual) push('uae_manual_payments', [o.id, o.uaeManual, at(3)]);
  if (o.checkout) push('checkout_payment_data', [o.id, o.checkout, at(2)]);
  if (o.trm) push('fulfillments_goms', [o.id, at(7), at(9)]);
  if (o.rda && o.falcon) push('rda_fulfillments', [ftvId, o.rda, at(14)]);
}

/** Rows collected per table and handed out in batches of `batchSize`, so memory stays flat. */
function batcher(batchSize: number) {
  const buffers = new Map<TableName, Cell[][]>();
  const pending: RowBatch[] = [];
  const push = (table: TableName, row: Cell[]): void => {
    let buffer = buffers.get(table);
    if (!buffer) buffers.set(table, (buffer = []));
    buffer.push(row);
    if (buffer.length >= batchSize) {
      pending.push({ table, rows: buffer });
      buffers.set(table, []);
    }
  };
  /** What is left in the buffers, as the last batches. */
  const flush = () => {
    for (const [table, rows] of buffers) if (rows.length) pending.push({ table, rows });
  };
  return { push, flush, pending };
}

/** The fictional customers: example.com addresses and numbers from the reserved drama range. */
function pushCustomers(r: Random, customers: number, push: (table: TableName, row: Cell[]) => void): void {
  for (let c = 1; c <= customers; c++) {
    const first = r.pick(FIRST);
    const last = r.pick(LAST);
    const id = `CUS-${String(c).padStart(7, '0')}`;
    push('customers', [
      id,
      `${first} ${last}`,
      `${first}.${last}.${c}@example.com`.toLowerCase(),
      `+44 7700 900${String(c % 1000).padStart(3, '0')}`,
    ]);
  }
}

/** One stuck order of the plan: its scenario shapes it, and the manifest records the reason triage must find. */
function stuckOrder(
  r: Random,
  index: number,
  next: PlannedStuck,
  customers: number,
  manifest?: { expected: Map<string, string> },
): DemoOrder {
  const currency = r.pick(next.scenario.currencies);
  const order = baseOrder(r, index, next.created, currency, customers);
  next.scenario.build(order, r);
  if (order.rfi) order.rfiAgeHours = r.chance(0.3) ? r.between(0.5, 3.5) : r.between(4.5, 11);
  manifest?.expected.set(order.id, next.scenario.expect);
  return order;
}

/**
 * Generates the demo warehouse as row batches, oldest order first. Deterministic: the same options
 * give the same rows. Memory stays flat: rows leave in batches of `batchSize`.
 */
export function* generateDemo(
  options: DemoOptions,
  batchSize = 5_000,
  manifest?: { expected: Map<string, string>; customers: number },
): Generator<RowBatch | DemoProgress> {
  const r = new Random(options.seed);
  const asOf = options.asOf.getTime();
  const start = asOf - options.days * 24 * HOUR_MS;
  const customers = Math.max(10, Math.round(options.orders / 3));
  const stuck = planStuckOrders(r, options, start, asOf);
  const normalCount = Math.max(0, options.orders - stuck.length);
  const span = asOf - start;
  const { push, flush, pending } = batcher(batchSize);

  let stuckIndex = 0;
  let index = 0;
  for (let n = 0; n < normalCount || stuckIndex < stuck.length; ) {
    const normalAt = n < normalCount ? start + ((n + r.next()) / normalCount) * span : Infinity;
    const next = stuck[stuckIndex];
    index++;
    let order: DemoOrder;
    if (next && next.created <= normalAt) {
      order = stuckOrder(r, index, next, customers, manifest);
      stuckIndex++;
    } else {
      const currency = r.weighted([
        ['AED', 55],
        ['GBP', 30],
        ['EUR', 12],
        ['USD', 3],
      ] as const);
      order = baseOrder(r, index, Math.min(normalAt, asOf - MINUTE), currency, customers);
      shapeNormalOrder(order, r, (asOf - order.created.getTime()) / HOUR_MS);
      n++;
    }
    rowsOf(order, asOf, push);
    while (pending.length) yield pending.shift()!;
    if (index % batchSize === 0) yield { ordersDone: index, ordersTotal: normalCount + stuck.length };
  }
  pushCustomers(r, customers, push);
  flush();
  while (pending.length) yield pending.shift()!;
  if (manifest) manifest.customers = customers;
  yield { ordersDone: index, ordersTotal: index };
}
