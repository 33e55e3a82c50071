import type { Agent } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { ProposalDecisionRow } from '@ecm/agent';
import { ToolError } from '../tools/tool-error.js';

export type ProposalRow = ProposalDecisionRow;
export type ProposalStatus = ProposalRow['status'];

/** Proposals belong to the manager's domain (the domain.yaml under shared/domains with manager_phases: true). */
const proposalDomain = async () => (await import('@ecm/agent/domain')).managerDomainName();

/** The agent runtime's proposals, through its proposal store (the owner of the `proposals` table). */
export async function listProposalRows(db: StateDb, status: ProposalStatus | null): Promise<ProposalRow[]> {
  const { ensureAgentSchema, listProposalDecisions } = await import('@ecm/agent/state');
  await ensureAgentSchema(db);
  return listProposalDecisions(db, await proposalDomain(), status);
}

/**
 * Approves or rejects a pending proposal: the human gate, decided by the proposal store (a high-value
 * approval needs a supervisor; a decided proposal stays decided). Refusals become tool errors that
 * say what to do next.
 */
export async function decideProposal(
  db: StateDb,
  idOrPrefix: string,
  decision: 'approved' | 'rejected',
  agent: Agent,
  reason: string | null,
  now: Date,
): Promise<ProposalRow> {
  const { ensureAgentSchema, decideProposal: decide } = await import('@ecm/agent/state');
  await ensureAgentSchema(db);
  const outcome = await decide(db, {
    domain: await proposalDomain(),
    idOrPrefix,
    decision,
    by: { email: agent.email, supervisor: agent.role === 'supervisor' },
    reason,
    at: now,
  });
  switch (outcome.refused) {
    case null:
      return outcome.proposal;
    case 'not_an_id':
      throw new ToolError(`"${idOrPrefix}" is not a proposal id (see ecm-field proposals)`, 'usage');
    case 'not_found':
      throw new ToolError(`no proposal ${idOrPrefix}; see ecm-field proposals --all`);
    case 'ambiguous':
      throw new ToolError(`"${idOrPrefix}" matches ${outcome.matches} proposals; give more of the id`, 'usage');
    case 'already_decided': {
      const p = outcome.proposal;
      throw new ToolError(
        `proposal ${p.id.slice(0, 8)} was already ${p.status} by ${p.decided_by ?? 'someone'}${p.decided_at ? ` at ${p.decided_at}` : ''}`,
      );
    }
    case 'needs_supervisor': {
      const p = outcome.proposal;
      const value = p.amount_aed === null ? 'amount unknown' : `AED ${Math.round(p.amount_aed).toLocaleString('en-US')}`;
      throw new ToolError(
        `proposal ${p.id.slice(0, 8)} is high value (${value}): only a supervisor may approve it; ${agent.email} is not one. Ask your supervisor (ESCALATION.md: supervisor).`,
        'not_allowed',
      );
    }
  }
}
