import { z } from 'zod';
import { callerAgent } from '../field/caller-agent.js';
import { listProposalRows } from '../field/proposal-decisions.js';
import { defineTool } from './define-tool.js';
import { FIELD_OUTPUT } from '../field/field-schemas.js';

/** field_proposals: the fix proposals waiting for a person's decision (or all of them). */
export const fieldProposals = defineTool({
  name: 'field_proposals',
  title: 'Fix proposals',
  description:
    "The agent runtime's fix proposals waiting for a person's decision (`all`: also the decided ones), with the gate (agent or supervisor). Read-only.",
  input: { all: z.boolean().default(false) },
  output: FIELD_OUTPUT.field_proposals,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(ctx, args, caller) {
    const { agent } = await callerAgent(ctx, caller);
    const state = await ctx.agentState();
    const proposals = await listProposalRows(state, args.all ? null : 'pending');
    return {
      structured: {
        agent: agent.email,
        supervisor: agent.role === 'supervisor',
        time_zone: ctx.config.settings.reports.time_zone,
        proposals,
      },
      text: [`${proposals.length} proposal(s)`, ...proposals.map((p) => `${p.id.slice(0, 8)} ${p.order_id} ${p.status} ${p.action}`)].join(
        '\n',
      ),
    };
  },
});
