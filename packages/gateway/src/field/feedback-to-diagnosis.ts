import type { Resolution } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import { errorText } from '@ecm/core/text';

/**
 * "Was the diagnosis right?" also judges the specialist's diagnosis behind an approved fix on this
 * order. The resolution is already written; a failure here is reported, never fatal.
 */
export async function linkFeedbackToDiagnosis(state: StateDb, resolution: Resolution, at: Date, notices: string[]): Promise<void> {
  try {
    const { ensureAgentSchema, linkResolveFeedback } = await import('@ecm/agent/state');
    await ensureAgentSchema(state);
    const link = await linkResolveFeedback(state, {
      orderId: resolution.order_id,
      diagnosisMatch: String(resolution.diagnosis_match),
      notes: resolution.notes,
      by: resolution.agent_email,
      at,
    });
    if (link.linked)
      notices.push(
        `Your answer was recorded as "${link.verdict}" on the diagnosis behind the approved fix (execution ${link.executionId.slice(0, 8)}).`,
      );
  } catch (err) {
    notices.push(`Feedback not linked to the diagnosis: ${errorText(err)}`);
  }
}
