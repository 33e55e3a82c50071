// @ecm/core/stores — where ECM keeps what it decides: the state database and its schema, run locks,
// ticket stores (local and Google Sheets; the sheet's setup and checks are @ecm/core/sheets), PII reveal audit, classification corrections, daily stats,
// and the addresses and timeouts of both databases. Drivers (PGlite, pg, Google APIs) load on first use.
export * from './state/state-db.js';
export * from './state/state-schema.js';
export * from './state/run-lock.js';
export * from './tickets/local-ticket-store.js';
export * from './tickets/open-ticket-store.js';
export * from './tickets/daily-stats.js';
export * from './audit/pii-reveals.js';
export * from './triage/classification-corrections.js';
export * from './warehouse/store-url.js';
export * from './cli/open-stores.js';
