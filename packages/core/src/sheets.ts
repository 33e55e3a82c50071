// @ecm/core/sheets — the Google Sheets ticket store's setup and checks: creating and checking the tabs,
// its settings and errors. Opening a ticket store (either backend) is @ecm/core/stores'; a program that
// only reads or writes tickets never loads this. The Google clients load on first use.
export * from './tickets/sheets/index.js';
