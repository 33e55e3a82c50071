// The gateway's own output schemas: the terminal parses exactly what the server declares.
export { orderDetailsSchema, runbookSchema, type OrderDetails } from '@ecm/gateway';
