import { PRIORITIES, TICKET_STATUSES } from '../../config/schema.js';
import {
  HISTORY_ACTIONS,
  type Agent,
  type DailyStatsRow,
  type Escalation,
  type PatternRow,
  type Resolution,
  type Ticket,
  type TicketHistoryEntry,
} from '../ticket-store.js';
import {
  CellError,
  code,
  email,
  flag,
  numberCell,
  optionalText,
  optionalTimestamp,
  requiredText,
  team,
  timestamp,
  wholeNumber,
} from './cell-parsers.js';
import { TABS, type TabKey } from './tab-layout.js';
import { cellOf, missingForRead, type CellValue, type SheetProblem, type SheetRow, type TabTable } from './tab-table.js';

/** Reads one column of a row through a parser, naming the column in any complaint. */
type Reader = <T>(key: string, parse: (raw: string, header: string) => T) => T;

function readerFor(table: TabTable, row: SheetRow): Reader {
  return (key, parse) => {
    const spec = table.spec.columns.find((c) => c.key === key)!;
    return parse(cellOf(table, row, key), spec.header);
  };
}

export interface RecordCodec<T> {
  readonly tab: TabKey;
  /** Throws CellError when the row cannot be understood. */
  parse(read: Reader, table: TabTable, row: SheetRow): T;
  /** The cells written for a record, by column key. */
  cells(record: T): Record<string, CellValue>;
  /** The row's identity, from the record. */
  key(record: T): string;
}

/** A row identity made of its key cells. */
export const joinKey = (...parts: string[]): string => parts.join('\u0000');

/** The identity of a raw row, tolerant of case and spaces, or null when its key cells are blank or unreadable. */
export function rawKey(table: TabTable, row: SheetRow): string | null {
  const parts: string[] = [];
  for (const key of table.spec.keyColumns) {
    const text = cellOf(table, row, key);
    if (text === '') return null;
    if (key.endsWith('_at')) {
      try {
        parts.push(timestamp(text, key));
      } catch {
        return null;
      }
    } else parts.push(key.includes('email') ? text.toLowerCase() : text);
  }
  return joinKey(...parts);
}

export const ticketCodec: RecordCodec<Ticket> = {
  tab: 'assignments',
  parse(read, table) {
    const order_id = read('order_id', requiredText);
    const assigned_at = read('assigned_at', timestamp);
    return {
      order_id,
      agent_email: read('agent_email', email),
      assigned_at,
      status: read('status', (raw, h) => code(raw, TICKET_STATUSES, h)),
      priority: read('priority', (raw, h) => code(raw, PRIORITIES, h)),
      currency: read('currency', requiredText).toUpperCase(),
      amount: read('amount', numberCell),
      hours_stuck: read('hours_stuck', numberCell),
      diagnosis: read('diagnosis', requiredText),
      notes: read('notes', (raw) => raw.trim()),
      updated_at: table.columns.has('updated_at') ? (read('updated_at', optionalTimestamp) ?? assigned_at) : assigned_at,
    };
  },
  cells: (t) => ({ ...t }),
  key: (t) => joinKey(t.order_id),
};

/** Agents-tab rows (§9) as the CSV import reads them: Active defaults to TRUE, Max Tickets to the configured default, Role to agent. */
export function agentCodec(defaultMax: number): RecordCodec<Agent> {
  return {
    tab: 'agents',
    parse(read) {
      const agentEmail = read('email', email);
      const maxText = read('max_tickets', (raw) => raw.trim());
      const roleText = read('role', (raw) => raw.trim().toLowerCase());
      if (roleText !== '' && roleText !== 'agent' && roleText !== 'supervisor')
        throw new CellError(`Role "${roleText}" is not agent or supervisor`);
      return {
        email: agentEmail,
        name: read('name', (raw) => raw.trim()) || agentEmail,
        team: read('team', team),
        slack_handle: read('slack_handle', optionalText),
        active: read('active', (raw, h) => flag(raw, h, true)),
        max_tickets: maxText === '' ? defaultMax : read('max_tickets', wholeNumber),
        role: roleText === 'supervisor' ? 'supervisor' : 'agent',
      };
    },
    cells: (a) => ({
      email: a.email,
      name: a.name,
      team: a.team,
      slack_handle: a.slack_handle ?? '',
      active: a.active ? 'TRUE' : 'FALSE',
      max_tickets: a.max_tickets,
      role: a.role,
    }),
    key: (a) => joinKey(a.email.toLowerCase()),
  };
}

export const resolutionCodec: RecordCodec<Resolution> = {
  tab: 'resolutions',
  parse: (read) => ({
    resolved_at: read('resolved_at', timestamp),
    order_id: read('order_id', requiredText),
    agent_email: read('agent_email', email),
    notes: read('notes', (raw) => raw.trim()),
    assigned_at: read('assigned_at', timestamp),
    resolution_minutes: read('resolution_minutes', numberCell),
    sla_target_minutes: read('sla_target_minutes', numberCell),
    sla_status: read('sla_status', (raw, h) => code(raw, ['MET', 'MISSED'], h)),
    stuck_reason: read('stuck_reason', requiredText),
    amount: read('amount', numberCell),
    currency: read('currency', requiredText).toUpperCase(),
    diagnosis_match: read('diagnosis_match', (raw, h) => code(raw, ['CORRECT', 'PARTIAL', 'WRONG'], h)),
    action_followed: read('action_followed', (raw, h) => code(raw, ['YES', 'MODIFIED', 'IGNORED'], h)),
    resolution_type: read('resolution_type', (raw, h) =>
      code(raw, ['AGENT_RESOLVED', 'SELF_HEALED', 'ESCALATED_RESOLVED', 'FALSE_POSITIVE'], h),
    ),
  }),
  cells: (r) => ({ ...r }),
  key: (r) => joinKey(r.order_id, new Date(r.resolved_at).toISOString()),
};

export const escalationCodec: RecordCodec<Escalation> = {
  tab: 'escalations',
  parse: (read) => ({
    escalated_at: read('escalated_at', timestamp),
    order_id: read('order_id', requiredText),
    escalated_by: read('escalated_by', email),
    reason: read('reason', requiredText),
    order_status: read('order_status', (raw) => raw.trim()),
    stuck_hours: read('stuck_hours', numberCell),
    amount: read('amount', numberCell),
    currency: read('currency', requiredText).toUpperCase(),
    priority: read('priority', (raw, h) => code(raw, PRIORITIES, h)),
    assigned_to: read('assigned_to', (raw) => raw.trim().toLowerCase()),
    resolved_at: read('resolved_at', optionalTimestamp),
    resolution_notes: read('resolution_notes', optionalText),
  }),
  cells: (e) => ({ ...e, resolved_at: e.resolved_at ?? '', resolution_notes: e.resolution_notes ?? '' }),
  key: (e) => joinKey(e.order_id, new Date(e.escalated_at).toISOString()),
};

export const patternCodec: RecordCodec<PatternRow> = {
  tab: 'patterns',
  parse: (read) => ({
    date: read('date', requiredText),
    pattern_id: read('pattern_id', requiredText),
    stuck_reason: read('stuck_reason', requiredText),
    currency: read('currency', requiredText).toUpperCase(),
    signature: read('signature', (raw) => raw.trim()),
    order_count: read('order_count', wholeNumber),
    total_amount_aed: read('total_amount_aed', numberCell),
    avg_hours: read('avg_hours', numberCell),
    high_value_count: read('high_value_count', wholeNumber),
    critical_count: read('critical_count', wholeNumber),
    delta: read('delta', (raw) => raw.trim()),
    recommendation: read('recommendation', (raw) => raw.trim()),
  }),
  cells: (p) => ({ ...p }),
  key: (p) => joinKey(p.date, p.pattern_id),
};

export const dailyStatsCodec: RecordCodec<DailyStatsRow> = {
  tab: 'dailyStats',
  parse: (read, table) => {
    const optionalNumber = (key: 'assigned' | 'median_minutes') =>
      table.columns.has(key) ? read(key, (raw, h) => (raw.trim() === '' ? undefined : numberCell(raw, h))) : undefined;
    const assigned = optionalNumber('assigned');
    const median = optionalNumber('median_minutes');
    return {
      date: read('date', requiredText),
      agent_email: read('agent_email', email),
      resolved: read('resolved', wholeNumber),
      avg_minutes: read('avg_minutes', numberCell),
      sla_met_pct: read('sla_met_pct', numberCell),
      escalated: read('escalated', wholeNumber),
      ...(assigned !== undefined ? { assigned } : {}),
      ...(median !== undefined ? { median_minutes: median } : {}),
    };
  },
  cells: (s) => ({ ...s }),
  key: (s) => joinKey(s.date, s.agent_email.toLowerCase()),
};

export const historyCodec: RecordCodec<TicketHistoryEntry> = {
  tab: 'history',
  parse: (read) => ({
    at: read('changed_at', timestamp),
    order_id: read('order_id', requiredText),
    action: read('action', (raw, h) => code(raw, HISTORY_ACTIONS, h)),
    from_agent: read('from_agent', email),
    to_agent: read('to_agent', email),
    by: read('by', requiredText),
    reason: read('reason', (raw) => raw.trim()),
  }),
  cells: ({ at, ...rest }) => ({ changed_at: at, ...rest }),
  key: (h) => joinKey(h.order_id, new Date(h.at).toISOString(), h.action),
};

export interface ParsedRecord<T> {
  readonly row: number;
  readonly record: T;
}

export interface ParsedTab<T> {
  readonly records: ParsedRecord<T>[];
  readonly problems: SheetProblem[];
  /** Rows whose key cells name a record even when the rest of the row is unreadable (so no write duplicates it). */
  readonly keyedRows: ReadonlyMap<string, number>;
}

/** Parses every data row; unreadable rows and later duplicates of a key are reported and skipped. */
export function parseTab<T>(table: TabTable, codec: RecordCodec<T>): ParsedTab<T> {
  const problems: SheetProblem[] = [...table.problems];
  const records: ParsedRecord<T>[] = [];
  const keyedRows = new Map<string, number>();
  const missing = missingForRead(table);
  if (table.headerRow === 0)
    return {
      records,
      problems: [
        {
          tab: table.title,
          row: 1,
          why: `the tab is empty; expected the header ${TABS[codec.tab].columns.map((c) => c.header).join(', ')}`,
        },
      ],
      keyedRows,
    };
  if (missing.length > 0) {
    const why = `missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c.header}"`).join(', ')}; its rows cannot be read until the header is fixed`;
    return { records, problems: [...problems, { tab: table.title, row: table.headerRow, why }], keyedRows };
  }
  for (const row of table.rows) {
    const raw = rawKey(table, row);
    const first = raw === null ? undefined : keyedRows.get(raw);
    if (raw !== null && first === undefined) keyedRows.set(raw, row.row);
    try {
      const record = codec.parse(readerFor(table, row), table, row);
      if (first !== undefined) problems.push({ tab: table.title, row: row.row, why: `duplicate of row ${first}; the first row is used` });
      else records.push({ row: row.row, record });
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      problems.push({ tab: table.title, row: row.row, why: err.message });
    }
  }
  return { records, problems, keyedRows };
}
