import { redactPii } from '../insights/redact-pii.js';
import type { AgentRuntime, SkillExecution } from '../loop/agent-runtime.js';
import { listProposals, sqlProposalStore, type Proposal } from '../proposals/proposal-store.js';
import { proposeFixTool, type OrderValue } from '../tools/propose-fix-tool.js';

export const RESOLVE_SKILL = 'ecm-resolve';

export interface ProposeFixesRequest {
  /** What the resolver works from: a diagnosis and the orders it covers. */
  readonly facts: unknown;
  /** The run's own knowledge of each order's value (triage facts), never the model's. */
  readonly orderValue: (orderId: string) => OrderValue | null;
  readonly skill?: string;
  readonly traceId?: string;
}

/**
 * Runs the resolver skill with one write path only: `propose_fix`, which records a pending proposal
 * for a human to approve. Nothing is executed; high-value orders always need a supervisor.
 */
export async function proposeFixes(runtime: AgentRuntime, req: ProposeFixesRequest): Promise<{ proposals: Proposal[]; execution: SkillExecution }> {
  const skill = req.skill ?? RESOLVE_SKILL;
  const traceId = req.traceId ?? crypto.randomUUID();
  const tool = proposeFixTool({ store: sqlProposalStore(runtime.db), domain: runtime.domain, skill, traceId, orderValue: req.orderValue, now: runtime.now });
  const execution = await runtime.runSkill({
    skill,
    traceId,
    input: ['Propose fixes for these orders with the propose_fix tool. You cannot carry anything out.', 'Facts (JSON):', JSON.stringify(redactPii(req.facts), null, 1)].join('\n'),
    inputSummary: 'resolve proposals',
    extraTools: [tool],
  });
  const proposals = (await listProposals(runtime.db, runtime.domain)).filter((p) => p.traceId === traceId);
  return { proposals, execution };
}
