import { triageOrder } from '@ecm/core/domain';
import { buildOrderDetails, fetchOrderTimeline, type OrderDetails, type OrderTriage } from '@ecm/core/domain';
import type { GatewayContext } from '../gateway-context.js';
import type { ToolCaller } from '../tools/define-tool.js';
import { ToolError } from '../tools/tool-error.js';
import { revealPii } from './reveal-pii.js';
import { errorText } from '@ecm/core/text';

/** The warehouse's timeline of one order, read through the gateway's connection; null for an unknown order. */
export const orderTimeline = (ctx: GatewayContext, orderId: string) =>
  fetchOrderTimeline((sql, params) => ctx.query(sql, params), ctx.config.sharedDir, orderId);

/** ecm_order_details: the domain's order details, with this gateway's warehouse, triage and reveal rule. */
export async function orderDetails(
  ctx: GatewayContext,
  orderId: string,
  options: { revealPii: boolean },
  caller: ToolCaller,
): Promise<OrderDetails> {
  const timeline = await orderTimeline(ctx, orderId);
  if (!timeline) throw new ToolError(`No order with id "${orderId}" exists in the warehouse.`);
  const asOf = ctx.asOf();
  let triage: OrderTriage;
  try {
    // This one order through the engine, now: no cache, so the diagnosis matches the timeline above.
    const triaged =
      (await triageOrder(await ctx.warehouse(), ctx.config, orderId, { asOf, multipliers: await ctx.multipliers(asOf) })) ?? undefined;
    triage = { ran: true, asOf, triaged };
  } catch (err) {
    triage = { ran: false, error: errorText(err) };
  }
  const reveal = options.revealPii ? await revealPii(ctx, caller, orderId) : null;
  return buildOrderDetails({ config: ctx.config, timeline, asOf, triage, reveal });
}
