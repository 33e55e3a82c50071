import { queryRows, type SqlQueryable } from '../db/sql.js';
import { recordCorrection, type Verdict } from '../log/corrections.js';

/** The resolve question "was the diagnosis right?" as a correction verdict. */
const VERDICT_OF: Readonly<Record<string, Verdict>> = { CORRECT: 'right', PARTIAL: 'partly', WRONG: 'wrong' };

export type FeedbackLink = { readonly linked: false } | { readonly linked: true; readonly executionId: string; readonly verdict: Verdict };

/**
 * Links an agent's resolve feedback to the diagnosis it judged: when the order was on an approved
 * proposal's checklist, the answer becomes a correction of that proposal's diagnosis execution.
 */
export async function linkResolveFeedback(
  db: SqlQueryable,
  feedback: { readonly orderId: string; readonly diagnosisMatch: string; readonly notes: string; readonly by: string; readonly at: Date },
): Promise<FeedbackLink> {
  const verdict = VERDICT_OF[feedback.diagnosisMatch];
  if (!verdict) return { linked: false };
  const [row] = await queryRows(
    db,
    `SELECT p.diagnosis_execution_id FROM proposals p JOIN proposal_checklist c ON c.proposal_id = p.id
     WHERE c.order_id = $1 AND p.diagnosis_execution_id IS NOT NULL ORDER BY p.created_at DESC LIMIT 1`,
    [feedback.orderId],
  );
  if (!row) return { linked: false };
  const result = await recordCorrection(db, String(row.diagnosis_execution_id), {
    verdict,
    note: verdict === 'right' ? null : `resolve feedback on ${feedback.orderId}: ${feedback.notes}`.slice(0, 1000),
    by: feedback.by,
    at: feedback.at.toISOString(),
  });
  return result.ok ? { linked: true, executionId: result.executionId, verdict } : { linked: false };
}
