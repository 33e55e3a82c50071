import { z } from 'zod';
import { teamSchema } from '../config/schema.js';
import type { Agent } from './ticket-store.js';

/** Parses CSV text (RFC 4180: quotes, doubled quotes, CRLF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

const truthy = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', 'yes', 'no', '1', '0', '']))
  .transform((s) => s === 'true' || s === 'yes' || s === '1' || s === '');

/** The Agents tab's columns; matched by header name, in any order, extra columns ignored. */
const HEADERS = { email: 'email', name: 'name', team: 'team', slack: 'slack handle', active: 'active', max: 'max tickets', role: 'role' } as const;

export interface AgentCsvProblem {
  readonly row: number;
  readonly problem: string;
}

/** Reads an Agents-tab CSV (Email, Name, Team, Slack Handle, Active, Max Tickets[, Role]). */
export function parseAgentsCsv(text: string, defaultMax: number): { agents: Agent[]; problems: AgentCsvProblem[] } {
  const [header, ...rows] = parseCsv(text);
  if (!header) return { agents: [], problems: [{ row: 1, problem: 'the file is empty; expected the header Email,Name,Team,Slack Handle,Active,Max Tickets' }] };
  const index = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  for (const required of [HEADERS.email, HEADERS.name, HEADERS.team]) {
    if (!index.has(required)) return { agents: [], problems: [{ row: 1, problem: `missing column "${required}"; expected the header Email,Name,Team,Slack Handle,Active,Max Tickets` }] };
  }
  const get = (r: string[], key: string) => (index.has(key) ? (r[index.get(key)!] ?? '').trim() : '');
  const agents: Agent[] = [];
  const problems: AgentCsvProblem[] = [];
  rows.forEach((r, i) => {
    const rowNumber = i + 2;
    const email = get(r, HEADERS.email).toLowerCase();
    if (!z.email().safeParse(email).success) return problems.push({ row: rowNumber, problem: `"${email}" is not an e-mail address` });
    const team = teamSchema.safeParse(get(r, HEADERS.team).replace(/^kyc_ops$/i, 'KYC_ops').replace(/^vda_ops$/i, 'VDA_ops').replace(/^ops$/i, 'Ops'));
    if (!team.success) return problems.push({ row: rowNumber, problem: `team "${get(r, HEADERS.team)}" is not one of Ops, KYC_ops, VDA_ops` });
    const active = truthy.safeParse(get(r, HEADERS.active));
    if (!active.success) return problems.push({ row: rowNumber, problem: `Active "${get(r, HEADERS.active)}" is not TRUE or FALSE` });
    const maxText = get(r, HEADERS.max);
    const max = maxText === '' ? defaultMax : Number(maxText);
    if (!Number.isInteger(max) || max < 0) return problems.push({ row: rowNumber, problem: `Max Tickets "${maxText}" is not a whole number` });
    const role = get(r, HEADERS.role).toLowerCase() === 'supervisor' ? 'supervisor' : 'agent';
    const slack = get(r, HEADERS.slack);
    agents.push({ email, name: get(r, HEADERS.name) || email, team: team.data, slack_handle: slack || null, active: active.data, max_tickets: max, role });
    return undefined;
  });
  return { agents, problems };
}
