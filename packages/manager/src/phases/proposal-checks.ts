import type { SlackMessage } from '@ecm/core/slack';
import type { TriageResult } from '@ecm/core/domain';
import type { ProposalCheck } from '@ecm/agent';
import type { PhaseContext } from './phase.js';
import { section, md } from '@ecm/core/slack';

/**
 * Verification of approved fixes (§15 chain): which of each proposal's orders are no longer stuck in
 * this run's triage result. Deterministic; no model involved.
 */
export async function proposalChecks(ctx: PhaseContext, triage: TriageResult): Promise<ProposalCheck[]> {
  // Read-only: without the chain's tables (no model ever ran here) there is nothing to verify.
  const [present] = await ctx.state.query(`SELECT to_regclass('proposal_checklist') IS NOT NULL AS present`);
  if (present?.present !== true) return [];
  const { managerDomainName, verifyProposals } = await import('@ecm/agent');
  const stuck = new Set(triage.orders.filter((o) => o.disqualified === null).map((o) => o.order_id));
  return verifyProposals(ctx.state, managerDomainName(ctx.config.sharedDir), stuck, ctx.asOf);
}

/** The verification lines as one thread reply of the patterns report. */
export async function withProposalChecks(message: SlackMessage, checks: readonly ProposalCheck[]): Promise<SlackMessage> {
  if (!checks.length) return message;
  const text = `*Approved fixes — verification*\n${checks.map((c) => md`• ${c.line}`).join('\n')}`;
  return { ...message, thread: [...message.thread, { text: 'Approved fixes — verification', blocks: [section(text)] }] };
}
