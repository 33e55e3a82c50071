import { toWarehouseTime } from '../../warehouse/warehouse-time.js';
import type { Warehouse } from '../../warehouse/warehouse.js';

/**
 * A pattern the demo never makes: paid EUR orders with a Falcon transaction still PROCESSING while
 * GOMS says IN_PROGRESS / FULFILLMENT_PENDING. No classification rule explains that state (the demo's
 * own unexplained orders of this shape are GBP only), so the orders are `uncategorized`, share one
 * signature, and make a novel pattern once there are `novel_min_size` of them.
 */
export const NOVEL_SIGNATURE_START = 'EUR|IN_PROGRESS|FULFILLMENT_PENDING|lulu:none|falcon:PROCESSING|';

const HOUR = 3_600_000;

/** Inserts `count` such orders, created `minAgeHours`… hours before `asOf`; returns their ids. */
export async function plantNovelPattern(
  warehouse: Warehouse,
  options: { asOf: Date; count: number; minAgeHours: number },
): Promise<string[]> {
  const [owner] = await warehouse.query('SELECT owner_id FROM orders_goms ORDER BY order_id LIMIT 1');
  const ids: string[] = [];
  for (let i = 0; i < options.count; i++) {
    // Above every id the generator gives (ORD- and 8 digits, counting up from 1).
    const id = `ORD-9${String(i + 1).padStart(7, '0')}`;
    const created = options.asOf.getTime() - (options.minAgeHours + i) * HOUR;
    const at = (minutes: number) => toWarehouseTime(new Date(created + minutes * 60_000));
    const amount = 400 + 25 * i;
    await warehouse.query(
      `INSERT INTO orders_goms (order_id, owner_id, status, sub_state, meta_postscript_pricing_info_send_currency, meta_postscript_pricing_info_send_amount,
         meta_postscript_pricing_info_receive_amount, meta_postscript_acquirer, created_at, updated_at)
       VALUES ($1, $2, 'IN_PROGRESS', 'FULFILLMENT_PENDING', 'EUR', $3, $4, 'CHECKOUT', $5, $6)`,
      [id, owner!.owner_id, amount, Math.round(amount * 4.2 * 22.7 * 100) / 100, at(0), at(20)],
    );
    await warehouse.query(
      `INSERT INTO payments_goms (payment_id, reference_id, payment_status, amount, created_at, updated_at) VALUES ($1, $2, 'COMPLETED', $3, $4, $5)`,
      [`PAY-9${id.slice(5)}-1`, id, amount, at(1), at(2)],
    );
    await warehouse.query(
      `INSERT INTO falcon_transactions_v2 (transaction_id, client_txn_id, status, created_at, updated_at) VALUES ($1, $2, 'PROCESSING', $3, $4)`,
      [`FTV-9${id.slice(5)}`, id, at(8), at(15)],
    );
    ids.push(id);
  }
  return ids;
}
