// @ecm/core/domain — the rules of exception case management as pure code: configuration, rules, triage,
// scoring, assignment, patterns, money, order ids, SLA, escalation ladder, report facts, ticket shapes.
// No database driver, no network client: it changes when the business rules change.
export * from './config/config-error.js';
export * from './config/cron-expression.js';
export * from './config/escalation-roles.js';
export * from './config/load-config.js';
export * from './config/parse-config.js';
export * from './config/rule-match.js';
export * from './config/rule-schema.js';
export * from './config/schema.js';
export * from './triage/classify-order.js';
export * from './triage/disqualify-order.js';
export * from './triage/fill-action.js';
export * from './triage/learned-multipliers.js';
export * from './triage/learned-triage.js';
export * from './triage/money.js';
export * from './triage/order-facts.js';
export * from './triage/run-triage.js';
export * from './triage/score-order.js';
export * from './triage/summarize-triage.js';
export * from './patterns/cluster-orders.js';
export * from './assignment/assign-orders.js';
export * from './reports/backlog-facts.js';
export * from './reports/report-time.js';
export * from './tickets/ticket-store.js';
export * from './tickets/ticket-rows.js';
export * from './tickets/ticket-sla.js';
export * from './tickets/agents-csv.js';
export * from './audit/reveal-rule.js';
export * from './warehouse/warehouse-time.js';
// The domain layer: one order across every system, why an order is not a candidate, the shapes of a
// stuck order and of a pattern cluster, pattern history.
export * from './orders/order-details.js';
export * from './orders/order-timeline.js';
export * from './orders/not-candidate.js';
export * from './orders/mask-pii.js';
export * from './orders/stuck-order.js';
export * from './patterns/pattern-history.js';
export * from './patterns/pattern-cluster-view.js';
export * from './patterns/pattern-row.js';
export * from './reports/day-start.js';
export * from './domain-shapes.js';
