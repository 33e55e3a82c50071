import { CliError, EXIT } from '../exit-codes.js';

const ORDER_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** An order id as typed, checked before it reaches any store or query. */
export function checkOrderId(orderId: string): string {
  const id = orderId.trim();
  if (!ORDER_ID.test(id)) throw new CliError(`"${orderId}" is not an order id (letters, digits and - _ . : only)`, EXIT.config);
  return id;
}
