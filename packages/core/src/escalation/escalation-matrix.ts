import { readFileSync } from 'node:fs';
import { firstIssue } from '../text/first-issue.js';
import path from 'node:path';
import { z } from 'zod';
import { sections, tableRows } from './markdown-sections.js';

export const LEVELS = ['L1', 'L2', 'L3'] as const;
export type Level = (typeof LEVELS)[number];

const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an e-mail address');
const contactSchema = z.object({
  Team: z.string().min(1),
  Level: z.enum(LEVELS),
  Role: z.string().min(1),
  Contact: email,
  Slack: z.string().min(1),
});
const ladderSchema = z.object({
  Level: z.enum(LEVELS),
  'Order age': z
    .string()
    .regex(/^\d+(\.\d+)?\s*h$/, 'expected hours such as "16 h"')
    .transform((s) => Number.parseFloat(s)),
  Meaning: z.string().min(1),
  'Who is told': z.string().min(1),
});
const roleSchema = z.object({
  'Role key': z.string().regex(/^[a-z][a-z0-9_]*$/),
  Role: z.string().min(1),
  Contact: email,
  Slack: z.string().min(1),
  When: z.string(),
});

export interface Contact {
  readonly team: string;
  readonly level: Level;
  readonly role: string;
  readonly contact: string;
  readonly slack: string;
}
export interface LadderStep {
  readonly level: Level;
  readonly hours: number;
  readonly meaning: string;
  readonly who: string;
}
export interface EscalationRole {
  readonly key: string;
  readonly role: string;
  readonly contact: string;
  readonly slack: string;
}

export interface EscalationMatrix {
  readonly file: string;
  readonly contacts: readonly Contact[];
  /** Ascending by hours. */
  readonly ladder: readonly LadderStep[];
  readonly roles: ReadonlyMap<string, EscalationRole>;
}

export class EscalationMatrixError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'EscalationMatrixError';
  }
}

/** ESCALATION.md sits at the project root, beside the shared/ configuration folder. */
export function escalationFile(sharedDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.ECM_ESCALATION_FILE ? path.resolve(env.ECM_ESCALATION_FILE) : path.resolve(sharedDir, '..', 'ESCALATION.md');
}

function parseTable<T extends z.ZodType>(file: string, section: string, text: string | undefined, schema: T): z.infer<T>[] {
  if (text === undefined) throw new EscalationMatrixError(file, `no "## ${section}" section`);
  const rows = tableRows(text);
  if (rows.length === 0) throw new EscalationMatrixError(file, `the "## ${section}" section has no table`);
  return rows.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      throw new EscalationMatrixError(file, `## ${section}, row ${i + 1}: ${firstIssue(parsed.error, 'row')}`);
    }
    return parsed.data;
  });
}

export function parseEscalationMatrix(markdown: string, file = 'ESCALATION.md'): EscalationMatrix {
  const s = sections(markdown);
  const contacts = parseTable(file, 'Contacts', s.get('Contacts'), contactSchema).map((r) => ({
    team: r.Team,
    level: r.Level,
    role: r.Role,
    contact: r.Contact,
    slack: r.Slack,
  }));
  const ladder = parseTable(file, 'Ladder', s.get('Ladder'), ladderSchema)
    .map((r) => ({ level: r.Level, hours: r['Order age'], meaning: r.Meaning, who: r['Who is told'] }))
    .sort((a, b) => a.hours - b.hours);
  const roleRows = s.has('Escalation roles') ? parseTable(file, 'Escalation roles', s.get('Escalation roles'), roleSchema) : [];
  const roles = new Map(roleRows.map((r) => [r['Role key'], { key: r['Role key'], role: r.Role, contact: r.Contact, slack: r.Slack }]));
  return { file, contacts, ladder, roles };
}

export function loadEscalationMatrix(sharedDir: string, env: NodeJS.ProcessEnv = process.env): EscalationMatrix {
  const file = escalationFile(sharedDir, env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EscalationMatrixError(file, `cannot read the escalation matrix: ${(err as Error).message}`);
  }
  return parseEscalationMatrix(text, file);
}

/** The ladder step an order of this age has reached; null below the first step. */
export function ladderStep(matrix: EscalationMatrix, orderHours: number): LadderStep | null {
  return matrix.ladder.filter((s) => orderHours >= s.hours).at(-1) ?? null;
}

export interface EscalationTarget {
  /** Reached ladder step, or null when the order is younger than the first one. */
  readonly step: LadderStep | null;
  /** The team's contact at that level (the first level's below the ladder). */
  readonly contact: Contact | null;
  /** The reason's escalation role from the runbook / stuck-reasons catalogue. */
  readonly specialist: EscalationRole | null;
}

/** Who to tell about an order of `team`, `orderHours` old, whose reason escalates to `roleKey`. */
export function escalationTarget(matrix: EscalationMatrix, team: string, orderHours: number, roleKey: string | null): EscalationTarget {
  const step = ladderStep(matrix, orderHours);
  const level = step?.level ?? matrix.ladder[0]?.level ?? 'L1';
  const contact = matrix.contacts.find((c) => c.team === team && c.level === level) ?? null;
  return { step, contact, specialist: roleKey ? (matrix.roles.get(roleKey) ?? null) : null };
}
