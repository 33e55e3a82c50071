import { z } from 'zod';
import { firstIssue } from '../text/first-issue.js';
import { loadQuery } from '../queries/load-query.js';
import { parseWarehouseTime } from '../warehouse/warehouse-time.js';

/** Sends one statement to the warehouse and answers its rows. */
export type WarehouseRows = (sql: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

const text = z.string().nullable();
const time = z.string().transform(parseWarehouseTime);
const amount = z.union([z.string(), z.number()]).transform(Number).nullable();

/** One row of shared/queries/order_timeline.sql. */
const timelineRow = z.object({
  order_id: z.string(),
  owner_id: z.string(),
  status: text,
  sub_state: text,
  currency: text,
  send_amount: amount,
  receive_amount: amount,
  acquirer: text,
  created_at: time,
  updated_at: time.nullable(),
  full_name: text,
  email: text,
  phone: text,
  record_system: text,
  record_id: text,
  record_status: text,
  record_sub_status: text,
  record_detail: text,
  record_amount: amount,
  record_created_at: time.nullable(),
  record_updated_at: time.nullable(),
});

export interface OrderHeader {
  readonly order_id: string;
  readonly owner_id: string;
  readonly status: string | null;
  readonly sub_state: string | null;
  readonly currency: string | null;
  readonly send_amount: number | null;
  readonly receive_amount: number | null;
  readonly acquirer: string | null;
  readonly created_at: Date;
  readonly updated_at: Date | null;
}

export interface Customer {
  readonly full_name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
}

/** One record in one system (a payment, a payout attempt, the Lulu record, an RFI, …). */
export interface SystemRecord {
  readonly system: string;
  readonly record_id: string;
  readonly status: string | null;
  readonly sub_status: string | null;
  readonly detail: string | null;
  readonly amount: number | null;
  readonly created_at: Date;
  readonly updated_at: Date | null;
}

export interface OrderTimeline {
  readonly order: OrderHeader;
  readonly customer: Customer;
  /** Oldest first. */
  readonly records: readonly SystemRecord[];
}

/** Everything the warehouse holds about one order, in one statement; null for an unknown order. */
export async function fetchOrderTimeline(query: WarehouseRows, sharedDir: string, orderId: string): Promise<OrderTimeline | null> {
  const rows = await query(loadQuery(sharedDir, 'order_timeline'), [orderId]);
  if (rows.length === 0) return null;
  const parsed = rows.map((row, i) => {
    const result = timelineRow.safeParse(row);
    if (!result.success) {
      throw new Error(`the warehouse returned an unreadable timeline row ${i + 1} for order ${orderId}: ${firstIssue(result.error)}`);
    }
    return result.data;
  });
  const first = parsed[0]!;
  const records: SystemRecord[] = [];
  for (const r of parsed) {
    if (r.record_system === null || r.record_created_at === null) continue;
    records.push({
      system: r.record_system,
      record_id: r.record_id ?? '',
      status: r.record_status,
      sub_status: r.record_sub_status,
      detail: r.record_detail,
      amount: r.record_amount,
      created_at: r.record_created_at,
      updated_at: r.record_updated_at,
    });
  }
  return {
    order: {
      order_id: first.order_id,
      owner_id: first.owner_id,
      status: first.status,
      sub_state: first.sub_state,
      currency: first.currency,
      send_amount: first.send_amount,
      receive_amount: first.receive_amount,
      acquirer: first.acquirer,
      created_at: first.created_at,
      updated_at: first.updated_at,
    },
    customer: { full_name: first.full_name, email: first.email, phone: first.phone },
    records,
  };
}
