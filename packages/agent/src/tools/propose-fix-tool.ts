import { z } from 'zod';
import type { ProposalStore } from '../proposals/proposal-store.js';
import { toolError, toolText, type AgentTool } from './agent-tool.js';

export const PROPOSE_FIX = 'propose_fix';

/** What the runtime knows about an order from the triage facts (never from the model). */
export interface OrderValue {
  readonly amountAed: number;
  readonly highValue: boolean;
}

export interface ProposeFixDeps {
  readonly store: ProposalStore;
  readonly domain: string;
  readonly skill: string;
  readonly traceId: string;
  /** Looks the order up in the run's facts; null when the order is not among them. */
  readonly orderValue: (orderId: string) => OrderValue | null;
  readonly now: () => Date;
}

const argsSchema = z
  .object({
    order_id: z.string().trim().min(1).max(64),
    action: z.string().trim().min(1).max(500),
    rationale: z.string().trim().min(1).max(2000),
  })
  .strict();

/**
 * Records a proposed fix with status `pending` for a human to approve. It executes nothing.
 * High-value orders, and orders whose value is unknown, always need a supervisor.
 */
export function proposeFixTool(deps: ProposeFixDeps): AgentTool {
  return {
    name: PROPOSE_FIX,
    description:
      'Records a proposed fix for one order (the action a human should take and why) for human approval. ' +
      'It does not carry out anything: the proposal waits with status pending.',
    inputSchema: {
      type: 'object',
      properties: {
        order_id: { type: 'string', description: 'The order the fix is for, as it appears in the facts' },
        action: { type: 'string', description: 'The action to take, from the runbook' },
        rationale: { type: 'string', description: 'Why, citing the facts' },
      },
      required: ['order_id', 'action', 'rationale'],
      additionalProperties: false,
    },
    readOnly: false,
    async execute(args) {
      const parsed = argsSchema.safeParse(args);
      if (!parsed.success) return toolError(`bad arguments: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ')}`);
      const { order_id, action, rationale } = parsed.data;
      const value = deps.orderValue(order_id);
      if (!value) return toolError(`order ${order_id} is not in this run's facts; propose fixes only for orders you were given`);
      const proposal = await deps.store.create(
        { domain: deps.domain, orderId: order_id, action, rationale, needsSupervisor: value.highValue, amountAed: value.amountAed, skill: deps.skill, traceId: deps.traceId },
        deps.now(),
      );
      return toolText(
        `Proposal ${proposal.id} recorded for order ${order_id} with status pending` +
          (proposal.needsSupervisor ? ': high-value order, it needs the Ops supervisor\'s approval.' : ': it waits for a human\'s approval.'),
      );
    },
  };
}
