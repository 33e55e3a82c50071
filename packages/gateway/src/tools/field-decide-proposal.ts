import { oneLine } from '@ecm/core/text';
import { z } from 'zod';
import { describeApprovalWork } from '../field/approval-summary.js';
import { callerAgent } from '../field/caller-agent.js';
import { decideProposal } from '../field/proposal-decisions.js';
import { defineTool } from './define-tool.js';
import { ToolError } from './tool-error.js';
import { FIELD_OUTPUT } from '../field/field-schemas.js';

/** field_decide_proposal: the human gate — the caller approves or rejects one fix proposal. */
export const fieldDecideProposal = defineTool({
  name: 'field_decide_proposal',
  title: 'Approve or reject a fix proposal',
  description: [
    'Approves or rejects one pending fix proposal as the calling agent (`id`: the id or its first characters).',
    'A high-value proposal needs a supervisor to approve; a rejection needs a `reason`. An approval puts checklist steps on the tickets and, where configured, calls the fix executor once.',
  ].join(' '),
  input: { id: z.string().min(1).max(64), decision: z.enum(['approved', 'rejected']), reason: z.string().max(2000).optional() },
  output: FIELD_OUTPUT.field_decide_proposal,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(ctx, args, caller) {
    const reason = args.reason?.trim() || null;
    if (args.decision === 'rejected' && !reason)
      throw new ToolError('a rejection needs a reason (--reason "…"): it tells the runtime what was wrong with the fix', 'usage');
    const { agent } = await callerAgent(ctx, caller);
    const state = await ctx.agentState();
    const now = ctx.now();
    const proposal = await decideProposal(state, args.id, args.decision, agent, reason, now);
    // An approved cluster proposal becomes work: ticket checklists and, where configured, one executor call.
    const { carryOutApproval } = await import('@ecm/agent/state');
    const work = args.decision === 'approved' ? await carryOutApproval(state, proposal.id, ctx.env, now) : null;
    const workSummary = args.decision === 'approved' ? describeApprovalWork(work, proposal.order_id) : null;
    return {
      structured: { proposal, work_summary: workSummary },
      text: `${args.decision === 'approved' ? 'Approved' : 'Rejected'} ${proposal.id.slice(0, 8)} for ${oneLine(proposal.order_id)}: ${oneLine(args.decision === 'approved' ? proposal.action : (reason ?? ''))}`,
    };
  },
});
