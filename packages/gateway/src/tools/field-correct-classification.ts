import { checkText, STUCK_REASONS_FILE } from '@ecm/core/domain';
import { recordClassificationCorrection } from '@ecm/core/stores';
import { z } from 'zod';
import { callerAgent } from '../field/caller-agent.js';
import { defineTool } from './define-tool.js';
import { ToolError } from './tool-error.js';
import { FIELD_OUTPUT, orderIdInput } from '../field/field-schemas.js';

/** field_correct_classification: the ticket's assignee or a supervisor says the order is stuck for another reason. */
export const fieldCorrectClassification = defineTool({
  name: 'field_correct_classification',
  title: "Correct a ticket's classification",
  description: [
    "Records that a ticket's stuck reason was wrong and names the right one (`reason`, from the stuck-reasons catalogue), with an optional `note`.",
    'Only the ticket\'s assignee or a supervisor. It counts as "the reason was wrong" for the classified reason in the learned triage weights.',
  ].join(' '),
  input: { order_id: orderIdInput, reason: z.string().max(100), note: z.string().max(20_000).optional() },
  output: FIELD_OUTPUT.field_correct_classification,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(ctx, args, caller) {
    let note: string | null = null;
    if (args.note !== undefined) {
      const checked = checkText('--note', args.note, { lines: true });
      if (!checked.ok) throw new ToolError(checked.problem, 'usage');
      note = checked.text;
    }
    const { agent, store } = await callerAgent(ctx, caller);
    const reason = args.reason.trim();
    const known = [...ctx.config.reasons.keys()].sort();
    if (!reason)
      throw new ToolError(`--reason: the right stuck reason, one of the catalogue (${STUCK_REASONS_FILE}): ${known.join(', ')}`, 'usage');
    if (!ctx.config.reasons.has(reason)) {
      throw new ToolError(
        `--reason: "${reason.slice(0, 80)}" is not a stuck reason in the catalogue (${STUCK_REASONS_FILE}); known: ${known.join(', ')}`,
        'usage',
      );
    }
    const ticket = await store.getTicket(args.order_id);
    if (!ticket) throw new ToolError(`order ${args.order_id} has no ticket; only a ticket's classification can be corrected`);
    if (ticket.agent_email.toLowerCase() !== agent.email.toLowerCase() && agent.role !== 'supervisor') {
      throw new ToolError(
        `order ${args.order_id} is ${ticket.agent_email}'s ticket; only its assignee or a supervisor may correct its classification`,
        'not_allowed',
      );
    }
    if (ticket.diagnosis === reason)
      throw new ToolError(`order ${args.order_id} is already classified ${reason}; nothing to correct`, 'usage');
    const c = {
      corrected_at: ctx.now().toISOString(),
      order_id: args.order_id,
      corrected_by: agent.email,
      classified_reason: ticket.diagnosis,
      corrected_reason: reason,
      note,
    };
    await recordClassificationCorrection(await ctx.stateDb(), c);
    return {
      structured: { classification_correction: c },
      text: `Recorded: ${c.order_id} classified ${c.classified_reason}, corrected to ${c.corrected_reason}.`,
    };
  },
});
