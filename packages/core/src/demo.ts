// @ecm/core/demo — the synthetic warehouse: scenario generator and seeding.
export * from './demo/generate-demo.js';
export * from './demo/seed-warehouse.js';
