import { z } from 'zod';
import { teamSchema } from '../config/schema.js';
import { checkText, NAME_MAX } from './input-limits.js';
import type { Agent } from './ticket-store.js';

/** One CSV record and the file line it starts on (a quoted cell may span lines). */
export interface CsvRecord {
  readonly line: number;
  readonly cells: string[];
}

/** Parses CSV text (RFC 4180: quotes, doubled quotes, CRLF) into records with their line numbers; blank lines are skipped. */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const finish = () => {
    row.push(cell);
    if (row.some((c) => c.trim() !== '')) records.push({ line: start, cells: row });
    row = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      finish();
      line++;
      start = line;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) finish();
  return records;
}

/** Parses CSV text into rows of cells (blank rows skipped). */
export function parseCsv(text: string): string[][] {
  return parseCsvRecords(text).map((r) => r.cells);
}

const truthy = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', 'yes', 'no', '1', '0', '']))
  .transform((s) => s === 'true' || s === 'yes' || s === '1' || s === '');

/** The Agents tab's columns; matched by header name, in any order, extra columns ignored. */
const HEADERS = {
  email: 'email',
  name: 'name',
  team: 'team',
  slack: 'slack handle',
  active: 'active',
  max: 'max tickets',
  role: 'role',
} as const;

export interface AgentCsvProblem {
  /** The file line the record starts on. */
  readonly line: number;
  readonly problem: string;
}

const ROLES = ['agent', 'supervisor'] as const;

const EXPECTED_HEADER = 'expected the header Email,Name,Team,Slack Handle,Active,Max Tickets';

/** A row's cell by header name, trimmed; '' when the column is absent (the optional ones may be). */
type ColumnReader = (cells: readonly string[], header: string) => string;

/**
 * Reads an Agents-tab CSV (Email, Name, Team, Slack Handle, Active, Max Tickets[, Role]). Every
 * problem is reported with its line, including an e-mail that appears twice (which row should win
 * is a question for a person, not for the importer) and a role that is not agent or supervisor.
 * The caller imports all rows or none.
 */
export function parseAgentsCsv(text: string, defaultMax: number): { agents: Agent[]; problems: AgentCsvProblem[] } {
  const [header, ...rows] = parseCsvRecords(text);
  if (!header) return { agents: [], problems: [{ line: 1, problem: `the file is empty; ${EXPECTED_HEADER}` }] };
  const columns = readColumns(header);
  if (typeof columns === 'string') return { agents: [], problems: [{ line: header.line, problem: columns }] };
  const agents: Agent[] = [];
  const problems: AgentCsvProblem[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { line, cells } of rows) {
    const email = columns(cells, HEADERS.email).toLowerCase();
    if (!z.email().safeParse(email).success) {
      problems.push({ line, problem: `"${email}" is not an e-mail address` });
      continue;
    }
    // The first row claims the e-mail even when its other cells have problems: a second row for it is still a duplicate.
    const first = firstLineOf.get(email);
    if (first !== undefined) {
      problems.push({ line, problem: `${email} is already on line ${first}; keep one row per agent` });
      continue;
    }
    firstLineOf.set(email, line);
    const agent = parseAgentRow(cells, columns, email, defaultMax);
    if (typeof agent === 'string') problems.push({ line, problem: agent });
    else agents.push(agent);
  }
  return { agents, problems };
}

/** Finds the columns by header name, or says which required column is missing. */
function readColumns(header: CsvRecord): ColumnReader | string {
  const index = new Map(header.cells.map((h, i) => [h.trim().toLowerCase(), i]));
  const missing = [HEADERS.email, HEADERS.name, HEADERS.team].find((required) => !index.has(required));
  if (missing) return `missing column "${missing}"; ${EXPECTED_HEADER}`;
  return (cells, key) => (index.has(key) ? (cells[index.get(key)!] ?? '').trim() : '');
}

/** One agent from a row whose e-mail is valid and new, or the row's first problem. */
function parseAgentRow(cells: readonly string[], get: ColumnReader, email: string, defaultMax: number): Agent | string {
  const team = teamSchema.safeParse(canonicalTeam(get(cells, HEADERS.team)));
  if (!team.success) return `team "${get(cells, HEADERS.team)}" is not one of Ops, KYC_ops, VDA_ops`;
  const active = truthy.safeParse(get(cells, HEADERS.active));
  if (!active.success) return `Active "${get(cells, HEADERS.active)}" is not TRUE or FALSE`;
  const maxText = get(cells, HEADERS.max);
  const max = maxText === '' ? defaultMax : Number(maxText);
  if (!Number.isInteger(max) || max < 0) return `Max Tickets "${maxText}" is not a whole number`;
  const roleText = get(cells, HEADERS.role).toLowerCase() || 'agent';
  const role = ROLES.find((known) => known === roleText);
  if (!role) return `role "${get(cells, HEADERS.role)}" is not one of ${ROLES.join(', ')}`;
  // An agent without a name is shown by e-mail rather than rejected.
  const nameText = get(cells, HEADERS.name);
  const name = nameText ? checkText('Name', nameText, { max: NAME_MAX }) : ({ ok: true, text: email } as const);
  if (!name.ok) return name.problem;
  const slack = get(cells, HEADERS.slack);
  return { email, name: name.text, team: team.data, slack_handle: slack || null, active: active.data, max_tickets: max, role };
}

/** Sheets are typed by hand: accept the team names in any letter case. */
function canonicalTeam(text: string): string {
  return text
    .replace(/^kyc_ops$/i, 'KYC_ops')
    .replace(/^vda_ops$/i, 'VDA_ops')
    .replace(/^ops$/i, 'Ops');
}
