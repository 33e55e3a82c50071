export * from './check-sheet.js';
export * from './init-sheets.js';
export * from './open-sheets-ticket-store.js';
export * from './retry.js';
export * from './sheets-config.js';
export * from './sheets-error.js';
export * from './sheets-ticket-store.js';
export type { SheetProblem } from './tab-table.js';
export { TABS, type TabKey } from './tab-layout.js';
