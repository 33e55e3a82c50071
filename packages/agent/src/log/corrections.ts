import { z } from 'zod';
import { queryRows, sqlNumber, type SqlQueryable } from '../db/sql.js';

export const VERDICTS = ['wrong', 'partly', 'right'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What a person said about one execution's output; stored as JSON in `skill_executions.user_correction`. */
export const correctionSchema = z
  .object({ verdict: z.enum(VERDICTS), note: z.string().trim().max(1000).nullable(), by: z.string().min(3), at: z.string() })
  .strict();
export type Correction = z.infer<typeof correctionSchema>;

export type CorrectionResult =
  | { readonly ok: true; readonly executionId: string; readonly skill: string; readonly subject: string | null }
  | { readonly ok: false; readonly reason: string };

/**
 * Records a correction on an execution (its id, or an unambiguous prefix of at least 8 characters).
 * A later correction replaces an earlier one: the log keeps a person's latest judgement.
 */
export async function recordCorrection(db: SqlQueryable, idOrPrefix: string, correction: Correction): Promise<CorrectionResult> {
  const key = idOrPrefix.trim();
  if (key.length < 8) return { ok: false, reason: `"${idOrPrefix}": expected an execution id (at least its first 8 characters)` };
  const matches = await queryRows(db, `SELECT id, skill, subject FROM skill_executions WHERE id LIKE $1 ORDER BY id LIMIT 2`, [
    `${key.replace(/[%_]/g, '')}%`,
  ]);
  if (!matches.length) return { ok: false, reason: `no execution ${idOrPrefix} in the log` };
  if (matches.length > 1) return { ok: false, reason: `"${idOrPrefix}" matches several executions; give more of the id` };
  const m = matches[0]!;
  await db.query('UPDATE skill_executions SET user_correction = $2 WHERE id = $1', [
    m.id,
    JSON.stringify(correctionSchema.parse(correction)),
  ]);
  return { ok: true, executionId: String(m.id), skill: String(m.skill), subject: m.subject === null ? null : String(m.subject) };
}

export interface SkillSatisfaction {
  readonly skill: string;
  readonly executions: number;
  readonly corrections: number;
  readonly wrong: number;
  readonly partly: number;
  /** Share of executions nobody judged wrong (a "partly" counts half). */
  readonly satisfaction: number;
}

export interface CommonMistake {
  readonly skill: string;
  readonly verdict: 'wrong' | 'partly';
  readonly note: string;
  readonly count: number;
}

/** Per-skill satisfaction and correction counts, and the most frequent corrections ("common mistakes"), since `since`. */
export async function correctionStats(
  db: SqlQueryable,
  since: Date,
  limit = 5,
): Promise<{ skills: SkillSatisfaction[]; commonMistakes: CommonMistake[] }> {
  const rows = await queryRows(db, `SELECT skill, user_correction FROM skill_executions WHERE created_at >= $1 ORDER BY skill`, [
    since.toISOString(),
  ]);
  const bySkill = new Map<string, { executions: number; corrections: number; wrong: number; partly: number }>();
  const mistakes = new Map<string, CommonMistake>();
  for (const r of rows) {
    const skill = String(r.skill);
    const s = bySkill.get(skill) ?? { executions: 0, corrections: 0, wrong: 0, partly: 0 };
    bySkill.set(skill, s);
    s.executions += 1;
    const c = parseCorrection(r.user_correction);
    if (!c) continue;
    s.corrections += 1;
    if (c.verdict === 'right') continue;
    s[c.verdict] += 1;
    const note = c.note?.trim() || '(no note)';
    const key = `${skill}\u0000${c.verdict}\u0000${note.toLowerCase()}`;
    const prior = mistakes.get(key);
    mistakes.set(key, { skill, verdict: c.verdict, note: prior?.note ?? note, count: (prior?.count ?? 0) + 1 });
  }
  const skills = [...bySkill.entries()].map(([skill, s]) => ({
    skill,
    ...s,
    satisfaction: s.executions ? (s.executions - s.wrong - 0.5 * s.partly) / s.executions : 1,
  }));
  const commonMistakes = [...mistakes.values()]
    .sort((a, b) => b.count - a.count || a.skill.localeCompare(b.skill) || a.note.localeCompare(b.note))
    .slice(0, limit);
  return { skills, commonMistakes };
}

function parseCorrection(raw: unknown): Correction | null {
  if (raw === null || raw === undefined || raw === '') return null;
  try {
    const parsed = correctionSchema.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw);
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // a free-text correction from before the schema: not counted
  }
}

export const correctionCount = async (db: SqlQueryable) =>
  z
    .object({ n: sqlNumber })
    .parse((await queryRows(db, `SELECT count(*)::int AS n FROM skill_executions WHERE user_correction IS NOT NULL`))[0]).n;
