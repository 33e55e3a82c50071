/**
 * The tabs of the "ECM Operations" sheet (§9, plus Ticket History) and their columns, in the order `sheets init` writes them.
 * Reads and writes find columns by header name, so people may reorder columns or add their own.
 */

export interface ColumnSpec {
  readonly key: string;
  /** The header `sheets init` writes. */
  readonly header: string;
  /** Other header spellings that mean this column. */
  readonly aliases?: readonly string[];
  /** A sheet may lack this column: reads use a default, writes leave it out. */
  readonly optional?: boolean;
  /** Reads use a default when the sheet lacks this column; writes still need it. */
  readonly readOptional?: boolean;
}

export interface TabSpec {
  readonly key: TabKey;
  readonly title: string;
  readonly columns: readonly ColumnSpec[];
  /** The columns that identify a row (the "primary key" of the tab). */
  readonly keyColumns: readonly string[];
}

export const TAB_KEYS = ['assignments', 'agents', 'resolutions', 'escalations', 'patterns', 'dailyStats', 'history'] as const;
export type TabKey = (typeof TAB_KEYS)[number];

const col = (key: string, header: string, extra: Omit<ColumnSpec, 'key' | 'header'> = {}): ColumnSpec => ({ key, header, ...extra });

export const TABS: Readonly<Record<TabKey, TabSpec>> = {
  assignments: {
    key: 'assignments',
    title: 'Assignments',
    keyColumns: ['order_id'],
    columns: [
      col('order_id', 'Order ID', { aliases: ['Order'] }),
      col('agent_email', 'Assigned Agent', { aliases: ['Agent', 'Agent Email'] }),
      col('assigned_at', 'Assigned At'),
      col('status', 'Status'),
      col('priority', 'Priority'),
      col('currency', 'Currency'),
      col('amount', 'Amount'),
      col('hours_stuck', 'Hours Stuck'),
      col('diagnosis', 'Diagnosis', { aliases: ['Stuck Reason'] }),
      col('notes', 'Notes'),
      // Not in the older sheet: when the status last changed (a sheet without it reads Assigned At).
      col('updated_at', 'Updated At', { optional: true }),
    ],
  },
  agents: {
    key: 'agents',
    title: 'Agents',
    keyColumns: ['email'],
    columns: [
      col('email', 'Email'),
      col('name', 'Name'),
      col('team', 'Team'),
      col('slack_handle', 'Slack Handle', { aliases: ['Slack'], readOptional: true }),
      col('active', 'Active', { readOptional: true }),
      col('max_tickets', 'Max Tickets', { readOptional: true }),
      // agent or supervisor (who may approve high-value fixes); a sheet without it means "agent".
      col('role', 'Role', { optional: true }),
    ],
  },
  resolutions: {
    key: 'resolutions',
    title: 'Resolutions',
    keyColumns: ['order_id', 'resolved_at'],
    columns: [
      col('resolved_at', 'Timestamp', { aliases: ['Resolved At'] }),
      col('order_id', 'Order ID', { aliases: ['Order'] }),
      col('agent_email', 'Agent'),
      col('notes', 'Resolution Notes', { aliases: ['Notes'] }),
      col('assigned_at', 'Assigned At'),
      col('resolution_minutes', 'Resolution Time (min)'),
      col('sla_target_minutes', 'SLA Target (min)'),
      col('sla_status', 'SLA Status'),
      col('stuck_reason', 'Stuck Reason'),
      col('amount', 'Amount'),
      col('currency', 'Currency'),
      col('diagnosis_match', 'Diagnosis Match'),
      col('action_followed', 'Action Followed'),
      col('resolution_type', 'Resolution Type'),
    ],
  },
  escalations: {
    key: 'escalations',
    title: 'Escalations',
    keyColumns: ['order_id', 'escalated_at'],
    columns: [
      col('escalated_at', 'Timestamp', { aliases: ['Escalated At'] }),
      col('order_id', 'Order ID', { aliases: ['Order'] }),
      col('escalated_by', 'Escalated By'),
      col('reason', 'Reason'),
      col('order_status', 'Order Status'),
      col('stuck_hours', 'Stuck Hours', { aliases: ['Hours Stuck'] }),
      col('amount', 'Amount'),
      col('currency', 'Currency'),
      col('priority', 'Priority'),
      col('assigned_to', 'Assigned To'),
      col('resolved_at', 'Resolved At'),
      col('resolution_notes', 'Resolution Notes'),
    ],
  },
  patterns: {
    key: 'patterns',
    title: 'Pattern Intelligence',
    keyColumns: ['date', 'pattern_id'],
    columns: [
      col('date', 'Date (IST)'),
      col('pattern_id', 'Pattern ID'),
      col('stuck_reason', 'Stuck Reason'),
      col('currency', 'Currency'),
      col('signature', 'Signature'),
      col('order_count', 'Order Count'),
      col('total_amount_aed', 'Total Amount', { aliases: ['Total Amount AED'] }),
      col('avg_hours', 'Avg Hours'),
      col('high_value_count', 'High Value Count'),
      col('critical_count', 'Critical Count'),
      col('delta', 'Delta vs Previous', { aliases: ['Delta'] }),
      col('recommendation', 'Recommendation'),
    ],
  },
  dailyStats: {
    key: 'dailyStats',
    title: 'Daily Stats',
    keyColumns: ['date', 'agent_email'],
    columns: [
      col('date', 'Date'),
      col('agent_email', 'Agent'),
      col('resolved', 'Resolved'),
      col('avg_minutes', 'Avg Time (min)'),
      col('sla_met_pct', 'SLA Met %'),
      col('escalated', 'Escalated'),
      // Per-agent figures written by each run; an older sheet without them still reads.
      col('assigned', 'Assigned', { optional: true }),
      col('median_minutes', 'Median Time (min)', { optional: true }),
    ],
  },
  // Not in §9: reassignments and reopenings, so the ops lead sees in the sheet who moved a ticket, when and why.
  history: {
    key: 'history',
    title: 'Ticket History',
    keyColumns: ['order_id', 'changed_at', 'action'],
    columns: [
      col('changed_at', 'Timestamp'),
      col('order_id', 'Order ID', { aliases: ['Order'] }),
      col('action', 'Action'),
      col('from_agent', 'From Agent', { aliases: ['From'] }),
      col('to_agent', 'To Agent', { aliases: ['To'] }),
      col('by', 'By'),
      col('reason', 'Reason'),
    ],
  },
};

/**
 * How a header cell is compared: case, spaces, punctuation and a parenthesised unit are ignored,
 * so "Order ID", " order id ", "OrderID" and "Date (IST)" / "Date" match.
 */
export function normalizeHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/\([^)]*\)/g, '')
    .replace(/[^a-z0-9%]+/g, '');
}

/** The header row `sheets init` writes for a tab. */
export function headerRow(spec: TabSpec): string[] {
  return spec.columns.map((c) => c.header);
}

/** Tab titles compare like headers' whitespace and case: "assignments " is the Assignments tab. */
export function sameTitle(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
