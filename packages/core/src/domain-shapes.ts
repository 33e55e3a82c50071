// @ecm/core/domain-shapes — the domain's pure leaves: the shape of an order's details (zod), input
// limits, order ids, the SLA clock and bands, the escalation matrix's reader. No configuration loader,
// no triage engine: a thin client (ecm-field through the gateway) checks input and reads answers with
// these alone. `@ecm/core/domain` re-exports all of it.
export * from './tickets/ticket-values.js';
export * from './tickets/sla-clock.js';
export * from './tickets/input-limits.js';
export * from './triage/order-id.js';
export * from './orders/order-details-shape.js';
export * from './escalation/markdown-sections.js';
export * from './escalation/escalation-matrix.js';
