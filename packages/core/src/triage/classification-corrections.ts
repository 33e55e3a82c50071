import { z } from 'zod';
import type { StateQueryable } from '../state/state-db.js';
import type { Resolution } from '../tickets/ticket-store.js';

/**
 * A person's correction of a ticket's classification: "this order is not stuck for X, it is stuck for Y".
 * One table, `classification_corrections`, owned by this module (created with the state schema).
 */
export interface ClassificationCorrection {
  readonly corrected_at: string;
  readonly order_id: string;
  readonly corrected_by: string;
  readonly classified_reason: string;
  readonly corrected_reason: string;
  readonly note: string | null;
}

export const CLASSIFICATION_CORRECTIONS_SCHEMA = `CREATE TABLE IF NOT EXISTS classification_corrections (
    corrected_at timestamptz NOT NULL,
    order_id text NOT NULL,
    corrected_by text NOT NULL,
    classified_reason text NOT NULL,
    corrected_reason text NOT NULL,
    note text,
    PRIMARY KEY (order_id, corrected_at)
  )`;

const row = z.object({
  corrected_at: z.union([z.string(), z.date()]).transform((v) => new Date(v).toISOString()),
  order_id: z.string(),
  corrected_by: z.string(),
  classified_reason: z.string(),
  corrected_reason: z.string(),
  note: z.string().nullable(),
});

export async function recordClassificationCorrection(db: StateQueryable, c: ClassificationCorrection): Promise<void> {
  await db.query(
    `INSERT INTO classification_corrections (corrected_at, order_id, corrected_by, classified_reason, corrected_reason, note)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (order_id, corrected_at) DO UPDATE SET corrected_by = EXCLUDED.corrected_by,
       classified_reason = EXCLUDED.classified_reason, corrected_reason = EXCLUDED.corrected_reason, note = EXCLUDED.note`,
    [c.corrected_at, c.order_id, c.corrected_by.toLowerCase(), c.classified_reason, c.corrected_reason, c.note],
  );
}

/** Corrections recorded since `since`, oldest first. */
export async function listClassificationCorrections(db: StateQueryable, since: Date): Promise<ClassificationCorrection[]> {
  const rows = await db.query('SELECT * FROM classification_corrections WHERE corrected_at >= $1 ORDER BY corrected_at, order_id', [
    since.toISOString(),
  ]);
  return rows.map((r) => row.parse(r));
}

/** What the resolve feedback "was the reason right? no" leaves when nobody named the right reason. */
export const REASON_NOT_GIVEN = '(not named)';

export interface CorrectedClassification {
  readonly classified_reason: string;
  readonly corrected_reason: string;
  readonly count: number;
}

/**
 * The most corrected classifications (classified → corrected reason, count) from both sources: the
 * `ecm-field correct order` corrections, and the resolutions whose feedback said the reason was wrong
 * (corrected reason {@link REASON_NOT_GIVEN} unless the same order was also corrected by name). An order
 * counts once: its latest correction, else its "reason wrong" resolution.
 */
export function mostCorrectedClassifications(
  corrections: readonly ClassificationCorrection[],
  resolutions: readonly Resolution[],
  limit = 5,
): CorrectedClassification[] {
  const byOrder = new Map<string, { classified: string; corrected: string }>();
  for (const r of resolutions)
    if (r.diagnosis_match === 'WRONG') byOrder.set(r.order_id, { classified: r.stuck_reason, corrected: REASON_NOT_GIVEN });
  for (const c of latestPerOrder(corrections)) byOrder.set(c.order_id, { classified: c.classified_reason, corrected: c.corrected_reason });
  const counts = new Map<string, CorrectedClassification>();
  for (const { classified, corrected } of byOrder.values()) {
    const key = `${classified}\u0000${corrected}`;
    counts.set(key, { classified_reason: classified, corrected_reason: corrected, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  return [...counts.values()]
    .sort(
      (a, b) =>
        b.count - a.count || a.classified_reason.localeCompare(b.classified_reason) || a.corrected_reason.localeCompare(b.corrected_reason),
    )
    .slice(0, limit);
}

/** Each order's latest correction (a later correction replaces an earlier one). */
export function latestPerOrder(corrections: readonly ClassificationCorrection[]): ClassificationCorrection[] {
  const latest = new Map<string, ClassificationCorrection>();
  for (const c of corrections) {
    const prior = latest.get(c.order_id);
    if (!prior || c.corrected_at >= prior.corrected_at) latest.set(c.order_id, c);
  }
  return [...latest.values()];
}
