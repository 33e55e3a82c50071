// The output schemas the gateway declares: the order details are the domain's shape, the runbook the gateway's.
export { orderDetailsSchema, type OrderDetails } from '@ecm/core/domain-shapes';
export { runbookSchema } from '@ecm/gateway';
