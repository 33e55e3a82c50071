import type { Agent } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { ProposalDecisionRow } from '@ecm/agent';
import { ensureAgentSchema } from '@ecm/agent/state';
import { CliError, EXIT } from '../exit-codes.js';

/** Proposals belong to the manager's domain (the domain.yaml under shared/domains with manager_phases: true). */
const proposalDomain = async () => (await import('@ecm/agent')).managerDomainName();

/** The runtime's schema (its `proposals` table among it), created when missing. */
export async function ensureProposalTable(db: StateDb): Promise<void> {
  await ensureAgentSchema(db);
}

export async function listProposalRows(db: StateDb, status: ProposalDecisionRow['status'] | null): Promise<ProposalDecisionRow[]> {
  const { listProposalDecisions } = await import('@ecm/agent');
  return listProposalDecisions(db, await proposalDomain(), status);
}

/** The human gate, through the runtime's proposal store; a refusal becomes the CLI's error with what to do next. */
export async function decideProposal(db: StateDb, idOrPrefix: string, decision: 'approved' | 'rejected', agent: Agent, reason: string | null, now: Date): Promise<ProposalDecisionRow> {
  const { decideProposal: decide } = await import('@ecm/agent');
  const outcome = await decide(db, { domain: await proposalDomain(), idOrPrefix, decision, by: { email: agent.email, supervisor: agent.role === 'supervisor' }, reason, at: now });
  switch (outcome.refused) {
    case null:
      return outcome.proposal;
    case 'not_an_id':
      throw new CliError(`"${idOrPrefix}" is not a proposal id (see ecm-field proposals)`, EXIT.config);
    case 'not_found':
      throw new CliError(`no proposal ${idOrPrefix}; see ecm-field proposals --all`, EXIT.failed);
    case 'ambiguous':
      throw new CliError(`"${idOrPrefix}" matches ${outcome.matches} proposals; give more of the id`, EXIT.config);
    case 'already_decided': {
      const p = outcome.proposal;
      throw new CliError(`proposal ${p.id.slice(0, 8)} was already ${p.status} by ${p.decided_by ?? 'someone'}${p.decided_at ? ` at ${p.decided_at}` : ''}`, EXIT.failed);
    }
    case 'needs_supervisor': {
      const p = outcome.proposal;
      throw new CliError(
        `proposal ${p.id.slice(0, 8)} is high value (${p.amount_aed === null ? 'amount unknown' : `AED ${Math.round(p.amount_aed).toLocaleString('en-US')}`}): only a supervisor may approve it; ${agent.email} is not one. Ask your supervisor (ESCALATION.md: supervisor).`,
        EXIT.notAllowed,
      );
    }
  }
}
