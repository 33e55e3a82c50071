import type { Agent } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { ActionResult } from './ticket-actions.js';

const aed = (amount: number | null) => (amount === null ? 'amount unknown' : `AED ${Math.round(amount).toLocaleString('en-US')}`);

/**
 * Approves or rejects a pending fix proposal of `domain` — the human gate, decided by the agent
 * package's proposal store with the terminal's rules (`ecm-field approve/reject`); here only the
 * words of a refusal and the rejection's required reason are Slack's.
 */
export async function decideProposal(
  state: StateDb,
  domain: string,
  proposalId: string,
  decision: 'approved' | 'rejected',
  agent: Agent,
  reason: string | null,
  now: Date,
): Promise<ActionResult> {
  if (!/^[0-9a-f-]{8,36}$/i.test(proposalId)) return { ok: false, message: `"${proposalId.slice(0, 40)}" is not a proposal id.` };
  if (decision === 'rejected' && !reason?.trim())
    return { ok: false, message: 'A rejection needs a reason: it tells the runtime what was wrong with the fix.' };
  const { ensureAgentSchema, carryOutApproval, decideProposal: decide } = await import('@ecm/agent');
  await ensureAgentSchema(state);
  const outcome = await decide(state, {
    domain,
    idOrPrefix: proposalId,
    decision,
    by: { email: agent.email, supervisor: agent.role === 'supervisor' },
    reason,
    at: now,
  });
  const short = proposalId.slice(0, 8);
  switch (outcome.refused) {
    case 'not_an_id':
    case 'not_found':
    case 'ambiguous':
      return { ok: false, message: `No proposal ${short} in ${domain}.` };
    case 'already_decided':
      return {
        ok: false,
        message: `Proposal ${short} was already ${outcome.proposal.status} by ${outcome.proposal.decided_by ?? 'someone'}.`,
      };
    case 'needs_supervisor':
      return {
        ok: false,
        message: `Proposal ${short} is high value (${aed(outcome.proposal.amount_aed)}): only a supervisor may approve it. Ask your supervisor.`,
      };
    case null:
      break;
  }
  const p = outcome.proposal;
  const message =
    decision === 'approved' ? `Approved ${short} for ${p.order_id}: ${p.action}` : `Rejected ${short} for ${p.order_id}: ${reason ?? ''}`;
  if (decision !== 'approved') return { ok: true, message };
  // An approved cluster proposal becomes work: checklists and, where configured, one executor call.
  const work = await carryOutApproval(state, p.id, process.env, now);
  return { ok: true, message: `${message}${work.status === 'done' ? ` — ${work.checklistSteps} checklist steps written` : ''}` };
}
