import { rowRange, tabRange } from './a1.js';
import type { SheetsTicketStore } from './sheets-ticket-store.js';
import { headerRow, TAB_KEYS, TABS, type TabKey } from './tab-layout.js';
import { cellText } from './tab-table.js';

export interface InitSheetsResult {
  /** Tabs that did not exist and were added with their header row. */
  readonly created: string[];
  /** Tabs that existed but were completely empty: only their header row was written. */
  readonly headed: string[];
  /** Tabs left exactly as they were. */
  readonly kept: string[];
}

/**
 * `ecm-manager sheets init`: adds every missing tab with its header row. Existing tabs are never
 * changed (an existing tab gets a header only when it holds nothing at all). Safe to run again.
 */
export async function initSheets(store: SheetsTicketStore): Promise<InitSheetsResult> {
  const session = store.session;
  // Tabs this call asked for, remembered across retries (an addSheet may land although its answer was lost).
  const added = new Set<TabKey>();
  const result = await session.write(async () => {
    const titles = await session.tabTitles(true);
    const present = TAB_KEYS.filter((k) => titles.has(k));
    const missing = TAB_KEYS.filter((k) => !titles.has(k));
    const values = present.length > 0 ? await session.api.readRanges(present.map((k) => tabRange(titles.get(k)!))) : [];
    const empty = present.filter((_, i) => (values[i] ?? []).every((row) => row.every((c) => cellText(c).trim() === '')));
    for (const k of missing) added.add(k);
    await session.api.addTabs(missing.map((k) => TABS[k].title));
    const header = (k: TabKey) => {
      const title = titles.get(k) ?? TABS[k].title;
      return { range: rowRange(title, 1, TABS[k].columns.length), values: [headerRow(TABS[k])] };
    };
    await session.api.writeCells([...missing, ...empty].map(header));
    return {
      created: TAB_KEYS.filter((k) => added.has(k)).map((k) => TABS[k].title),
      headed: empty.filter((k) => !added.has(k)).map((k) => titles.get(k)!),
      kept: present.filter((k) => !empty.includes(k)).map((k) => titles.get(k)!),
    };
  });
  await session.read(() => session.tabTitles(true));
  return result;
}
