import { z } from 'zod';
import { redactPii } from '../insights/redact-pii.js';
import type { AgentRuntime, SkillExecution } from '../loop/agent-runtime.js';
import { sqlProposalStore, type Proposal } from '../proposals/proposal-store.js';
import { verifyInsights } from '../verify/verify-insights.js';
import { jsonAnswer } from './model-json.js';
import { firstIssue } from '@ecm/core/text';

export const RESOLVE_SKILL = 'ecm-resolve';

/** What the run knows about an order from its own facts (never from the model). */
export interface OrderValue {
  readonly amountAed: number;
  readonly highValue: boolean;
}

/** The resolver's answer for one order. */
export const fixProposalSchema = z
  .object({
    order_id: z.string().trim().min(1).max(64),
    action: z.string().trim().min(1).max(500),
    rationale: z.string().trim().min(1).max(2000),
  })
  .strict();

export interface ProposeFixRequest {
  readonly orderId: string;
  readonly asOf?: string;
  /** The cluster's diagnosis, when there is one. */
  readonly diagnosis?: unknown;
  /** The order's value from the triage facts; null (unknown) counts as high value. */
  readonly orderValue: OrderValue | null;
  readonly skill?: string;
  readonly traceId?: string;
}

export type ProposeFixResult =
  | { readonly status: 'proposed'; readonly proposal: Proposal; readonly execution: SkillExecution }
  | { readonly status: 'no_proposal'; readonly reason: string; readonly execution: SkillExecution }
  | { readonly status: 'failed'; readonly reason: string; readonly execution?: SkillExecution };

const NO_PROPOSAL = /^no (proposal|action)\b/i;

type Parsed = { ok: true; proposal: z.infer<typeof fixProposalSchema> } | { ok: false; reason: string; verifier: boolean };

/**
 * Runs the resolver skill for one order and records its answer as a proposal with status `pending`.
 * The skill has read-only tools only; the runtime writes the proposal, nothing carries it out, and
 * high-value (or unknown-value) orders are always marked as needing a supervisor.
 */
export async function proposeFix(runtime: AgentRuntime, req: ProposeFixRequest): Promise<ProposeFixResult> {
  if (runtime.unavailable) return { status: 'failed', reason: runtime.unavailable };
  const skill = req.skill ?? RESOLVE_SKILL;
  const { execution, parsed } = await askResolver(runtime, req, skill);
  if (!parsed || execution.outcome === 'error' || execution.outcome === 'budget_skipped' || !parsed.ok) {
    return { status: 'failed', reason: execution.detail ?? (parsed && !parsed.ok ? parsed.reason : 'no answer'), execution };
  }
  if (NO_PROPOSAL.test(parsed.proposal.action))
    return { status: 'no_proposal', reason: `${parsed.proposal.action}: ${parsed.proposal.rationale}`, execution };
  const proposal = await sqlProposalStore(runtime.db).create(
    {
      domain: runtime.domain,
      orderId: req.orderId,
      action: parsed.proposal.action,
      rationale: parsed.proposal.rationale,
      needsSupervisor: req.orderValue?.highValue ?? true,
      amountAed: req.orderValue?.amountAed ?? null,
      skill,
      traceId: execution.traceId,
    },
    runtime.now(),
  );
  return { status: 'proposed', proposal, execution };
}

/** Runs the resolver on the order (and its cluster's diagnosis) and keeps the checked proposal its answer gave. */
async function askResolver(
  runtime: AgentRuntime,
  req: ProposeFixRequest,
  skill: string,
): Promise<{ execution: SkillExecution; parsed: Parsed | undefined }> {
  const input = {
    order_id: req.orderId,
    ...(req.asOf ? { as_of: req.asOf } : {}),
    ...(req.diagnosis ? { diagnosis: redactPii(req.diagnosis) } : {}),
  };
  let parsed: Parsed | undefined;
  const execution = await runtime.runSkill({
    skill,
    input: `Propose one fix for this order. Answer with the JSON object your skill describes.\n${JSON.stringify(input, null, 1)}`,
    inputSummary: `order ${req.orderId}`,
    subject: req.orderId,
    ...(req.traceId ? { traceId: req.traceId } : {}),
    finish: (text, { toolTexts }) => {
      parsed = parseProposal(text, req.orderId, [input, ...toolTexts]);
      return parsed.ok
        ? { output: parsed.proposal }
        : { output: { rejected: parsed.reason }, outcome: parsed.verifier ? 'verifier_dropped' : 'error', detail: parsed.reason };
    },
  });
  return { execution, parsed };
}

/**
 * Checks the resolver's answer: JSON, the schema, the order asked about, and every figure in the
 * action and rationale against the facts (a made-up amount must never reach the person approving).
 */
function parseProposal(text: string, orderId: string, facts: readonly unknown[]): Parsed {
  const json = jsonAnswer(text, 'proposal');
  if (!json.ok) return { ok: false, reason: json.reason, verifier: false };
  const result = fixProposalSchema.safeParse(json.data);
  if (!result.success) return { ok: false, reason: `proposal does not match its schema: ${firstIssue(result.error)}`, verifier: false };
  if (result.data.order_id !== orderId)
    return { ok: false, reason: `proposal names order ${result.data.order_id}, not ${orderId}`, verifier: false };
  const check = verifyInsights([result.data.action, result.data.rationale], facts);
  if (check.dropped.length) {
    return {
      ok: false,
      reason: `proposal cites figures the facts do not support: ${check.dropped.flatMap((d) => d.numbers).join(', ')}`,
      verifier: true,
    };
  }
  return { ok: true, proposal: result.data };
}
