// @ecm/core/warehouse — reading the orders: the Warehouse interface, PostgreSQL and embedded (PGlite)
// warehouses, demo or production source, and the SQL the phases run. Drivers load on first use.
export * from './warehouse/warehouse.js';
export * from './warehouse/open-warehouse.js';
export * from './warehouse/pg-warehouse.js';
export * from './warehouse/pglite-warehouse.js';
export * from './warehouse/pglite-thread-warehouse.js';
export * from './warehouse/warehouse-source.js';
export * from './queries/load-query.js';
export * from './queries/phase-queries.js';
