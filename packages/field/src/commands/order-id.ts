import { isOrderId, ORDER_ID_RULE } from '@ecm/core/domain-shapes';
import { CliError, EXIT } from '../exit-codes.js';

/** An order id as typed, checked against the one documented pattern before it reaches any store or query. */
export function checkOrderId(orderId: string): string {
  const id = orderId.trim();
  if (!isOrderId(id)) throw new CliError(`"${orderId.slice(0, 80)}" is not an order id (${ORDER_ID_RULE})`, EXIT.config);
  return id;
}
