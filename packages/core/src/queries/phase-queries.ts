import { z } from 'zod';
import type { EcmConfig } from '../config/load-config.js';
import { HOUR_MS, toWarehouseTime } from '../warehouse/warehouse-time.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { fillCodeLists, loadQuery } from './load-query.js';

const num = z.union([z.string(), z.number()]).transform(Number);

export interface PipelineByCurrency {
  readonly currency: string;
  readonly orders: number;
  readonly send_amount: number;
}

/** Orders younger than the candidate age that are not finished yet ("today's pipeline"). */
export async function fetchPipeline(warehouse: Warehouse, config: EcmConfig, asOf: Date): Promise<PipelineByCurrency[]> {
  const c = config.settings.candidates;
  const sql = fillCodeLists(loadQuery(config.sharedDir, 'pipeline'), { statuses: c.statuses, currencies: c.currencies });
  const rows = await warehouse.query(sql, [toWarehouseTime(new Date(asOf.getTime() - c.min_age_hours * HOUR_MS)), toWarehouseTime(asOf)]);
  return rows
    .map((r) => z.object({ currency: z.string(), orders: num, send_amount: num.nullable() }).parse(r))
    .map((r) => ({ currency: r.currency, orders: r.orders, send_amount: r.send_amount ?? 0 }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

export interface OrderStatus {
  readonly order_id: string;
  readonly status: string | null;
  readonly sub_state: string | null;
}

const STATUS_BATCH = 1000;

/** The GOMS status of the given orders: one statement per 1,000 ids, never one per order. */
export async function fetchOrderStatuses(
  warehouse: Warehouse,
  config: EcmConfig,
  orderIds: readonly string[],
): Promise<Map<string, OrderStatus>> {
  const out = new Map<string, OrderStatus>();
  const template = loadQuery(config.sharedDir, 'order_status');
  for (let i = 0; i < orderIds.length; i += STATUS_BATCH) {
    const batch = orderIds.slice(i, i + STATUS_BATCH);
    const sql = template.replaceAll('{{order_ids}}', batch.map((_, j) => `$${j + 1}`).join(', '));
    for (const row of await warehouse.query(sql, batch)) {
      const r = z.object({ order_id: z.string(), status: z.string().nullable(), sub_state: z.string().nullable() }).parse(row);
      out.set(r.order_id, r);
    }
  }
  return out;
}
