import type { Resolution } from '@ecm/core/domain';
import { ensureAgentSchema, linkResolveFeedback } from '@ecm/agent/state';
import { notice } from '../context.js';
import type { FieldSession } from '../session/field-session.js';

/**
 * "Was the diagnosis right?" also judges the specialist's diagnosis behind an approved fix on this
 * order. The resolution is already written; a failure here is reported, never fatal.
 */
export async function linkFeedbackToDiagnosis(s: FieldSession, resolution: Resolution): Promise<void> {
  try {
    await ensureAgentSchema(s.state);
    const link = await linkResolveFeedback(s.state, { orderId: resolution.order_id, diagnosisMatch: String(resolution.diagnosis_match), notes: resolution.notes, by: s.agent.email, at: s.now });
    if (link.linked) notice(`Your answer was recorded as "${link.verdict}" on the diagnosis behind the approved fix (execution ${link.executionId.slice(0, 8)}).`);
  } catch (err) {
    notice(`Feedback not linked to the diagnosis: ${err instanceof Error ? err.message : String(err)}`);
  }
}
