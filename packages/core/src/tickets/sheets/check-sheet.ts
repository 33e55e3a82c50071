import { SheetLayoutError, SheetsApiError } from './sheets-error.js';
import type { SheetsTicketStore } from './sheets-ticket-store.js';
import {
  agentCodec,
  escalationCodec,
  parseTab,
  resolutionCodec,
  ticketCodec,
  patternCodec,
  dailyStatsCodec,
  historyCodec,
  type RecordCodec,
} from './tab-records.js';
import { TAB_KEYS, TABS, type TabKey } from './tab-layout.js';
import { missingForWrite, type SheetProblem } from './tab-table.js';
import { errorText } from '../../text/error-text.js';

export interface SheetCheck {
  readonly ok: boolean;
  readonly detail: string;
}

const CODECS: Record<TabKey, RecordCodec<unknown>> = {
  assignments: ticketCodec,
  agents: agentCodec(10),
  resolutions: resolutionCodec,
  escalations: escalationCodec,
  patterns: patternCodec,
  dailyStats: dailyStatsCodec,
  history: historyCodec,
};

const OPEN = new Set(['OPEN', 'IN_PROGRESS', 'ESCALATED']);

/** Why a request failed, in terms of what to do about it. */
function explain(err: unknown, store: SheetsTicketStore): string {
  if (err instanceof SheetsApiError) {
    if (err.status === 401)
      return `the credentials were refused (${err.message}); a token from "gcloud auth print-access-token" lasts about an hour`;
    if (err.status === 403)
      return store.principal
        ? `no access to the sheet: share it with ${store.principal} as Editor (${err.message})`
        : `no access to the sheet (${err.message})`;
    if (err.status === 404) return `no such spreadsheet (check GOOGLE_SHEETS_SPREADSHEET_ID): ${err.message}`;
    return err.message;
  }
  return errorText(err);
}

/**
 * For `ecm-manager health`: the sheet can be read, has the six tabs with the columns the product
 * writes; unreadable rows are counted (they do not make the sheet unhealthy, they are skipped).
 */
export async function checkSheet(store: SheetsTicketStore): Promise<SheetCheck> {
  const session = store.session;
  try {
    const { info, titles, tables } = await session.read(async () => {
      const info = await session.info(true);
      const titles = await session.tabTitles();
      return { info, titles, tables: await session.readTabs(TAB_KEYS.filter((k) => titles.has(k))) };
    });
    const present = TAB_KEYS.filter((k) => titles.has(k));
    const missing = TAB_KEYS.filter((k) => !titles.has(k)).map((k) => `"${TABS[k].title}"`);
    const layout: string[] = [];
    const problems: SheetProblem[] = [];
    for (const k of present) {
      const table = tables[k];
      const lacking = missingForWrite(table);
      if (table.headerRow === 0) layout.push(`"${table.title}" has no header row`);
      else if (lacking.length > 0) layout.push(`"${table.title}" lacks ${lacking.map((c) => `"${c.header}"`).join(', ')}`);
      else problems.push(...parseTab(table, CODECS[k]).problems);
    }
    const parts = [`"${info.title}": ${present.length}/${TAB_KEYS.length} tabs`];
    if (titles.has('assignments') && tables.assignments.headerRow > 0) {
      const tickets = parseTab(tables.assignments, ticketCodec).records.map((r) => r.record);
      parts.push(`${tickets.length} tickets (${tickets.filter((t) => OPEN.has(t.status)).length} open)`);
    }
    if (titles.has('agents') && tables.agents.headerRow > 0) {
      const agents = parseTab(tables.agents, CODECS.agents).records.map((r) => r.record as { active: boolean });
      parts.push(`${agents.length} agents (${agents.filter((a) => a.active).length} active)`);
    }
    if (missing.length > 0) parts.push(`missing tab${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: run "ecm-manager sheets init"`);
    if (layout.length > 0) parts.push(`header problems: ${layout.join('; ')}`);
    if (problems.length > 0) {
      const first = problems[0]!;
      parts.push(
        `${problems.length} row${problems.length > 1 ? 's' : ''} skipped as unreadable (first: ${first.tab} row ${first.row}: ${first.why})`,
      );
    }
    return { ok: missing.length === 0 && layout.length === 0, detail: parts.join('; ') };
  } catch (err) {
    if (err instanceof SheetsApiError || err instanceof SheetLayoutError) return { ok: false, detail: explain(err, store) };
    throw err;
  }
}
