import { z } from 'zod';
import { callerAgent } from '../field/caller-agent.js';
import { defineTool } from './define-tool.js';
import { ToolError } from './tool-error.js';
import { FIELD_OUTPUT } from '../field/field-schemas.js';

/** field_judge_execution: a person's verdict on one skill execution (a diagnosis, an insight, a proposal). */
export const fieldJudgeExecution = defineTool({
  name: 'field_judge_execution',
  title: "Judge a skill's output",
  description:
    "Records the calling agent's verdict (wrong | partly | right) on one skill execution (`execution_id`: the id or its first 8+ characters), with a `note` saying what was wrong (required unless right). Feeds the skill's satisfaction and common mistakes.",
  input: { execution_id: z.string().min(1).max(64), verdict: z.enum(['wrong', 'partly', 'right']), note: z.string().max(2000).optional() },
  output: FIELD_OUTPUT.field_judge_execution,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(ctx, args, caller) {
    const note = args.note?.trim() || null;
    if (args.verdict !== 'right' && !note)
      throw new ToolError('--note: say what was wrong; it becomes a "common mistake" the skill learns from', 'usage');
    const { agent } = await callerAgent(ctx, caller);
    const { recordCorrection } = await import('@ecm/agent/state');
    const state = await ctx.agentState();
    const result = await recordCorrection(state, args.execution_id, {
      verdict: args.verdict,
      note,
      by: agent.email,
      at: ctx.now().toISOString(),
    });
    if (!result.ok) throw new ToolError(result.reason);
    const correction = {
      execution_id: result.executionId,
      skill: result.skill,
      subject: result.subject ?? null,
      verdict: args.verdict,
      note,
    };
    return {
      structured: { correction },
      text: `Recorded: ${result.skill} execution ${result.executionId.slice(0, 8)} judged ${args.verdict}.`,
    };
  },
});
