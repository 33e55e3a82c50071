export { checkSheet, type SheetCheck } from './check-sheet.js';
export { initSheets, type InitSheetsResult } from './init-sheets.js';
export { openSheetsTicketStore, type OpenSheetsOptions } from './open-sheets-ticket-store.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export { sheetsSettingsFromEnv, SheetsConfigError, type SheetsSettings } from './sheets-config.js';
export { SheetLayoutError, SheetsApiError } from './sheets-error.js';
export { SheetsTicketStore } from './sheets-ticket-store.js';
export { TABS, type TabKey } from './tab-layout.js';
export type { SheetProblem } from './tab-table.js';
