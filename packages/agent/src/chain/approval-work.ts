import { queryRows, type SqlQueryable } from '../db/sql.js';
import { getClusterProposal, type ClusterProposal } from './cluster-proposal.js';
import { FIX_ACTIONS } from './fix-actions.js';
import { callFixExecutor, type ExecutorCall } from './fix-executor.js';

export interface ChecklistStep {
  readonly proposal_id: string;
  readonly order_id: string;
  readonly step_no: number;
  readonly step_text: string;
  readonly done: boolean;
}

/** Writes the approved action's steps onto each affected order's ticket; re-writing is a no-op. */
export async function writeChecklist(db: SqlQueryable, proposal: ClusterProposal): Promise<number> {
  const steps = FIX_ACTIONS[proposal.action.kind].steps(proposal.action);
  let written = 0;
  for (const orderId of proposal.action.order_ids) {
    for (const [i, text] of steps.entries()) {
      const rows = await queryRows(
        db,
        `INSERT INTO proposal_checklist (proposal_id, order_id, step_no, step_text) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING order_id`,
        [proposal.id, orderId, i + 1, `${text} (proposal ${proposal.id.slice(0, 8)})`],
      );
      written += rows.length;
    }
  }
  return written;
}

export async function checklistOf(db: SqlQueryable, orderIds: readonly string[]): Promise<ChecklistStep[]> {
  if (!orderIds.length) return [];
  const rows = await queryRows(
    db,
    `SELECT proposal_id, order_id, step_no, step_text, done FROM proposal_checklist WHERE order_id = ANY($1::text[]) ORDER BY order_id, proposal_id, step_no`,
    [orderIds],
  );
  return rows.map((r) => ({
    proposal_id: String(r.proposal_id),
    order_id: String(r.order_id),
    step_no: Number(r.step_no),
    step_text: String(r.step_text),
    done: r.done === true,
  }));
}

export type ApprovalWork =
  | { readonly status: 'not_a_cluster_proposal' | 'not_approved' }
  | { readonly status: 'done'; readonly proposal: ClusterProposal; readonly checklistSteps: number; readonly executor: ExecutorCall };

/**
 * What an approval turns into: checklist steps for the assignees and, where the company configured
 * its executor, one signed call to it. Safe to repeat: steps are keyed, the call is claimed once.
 */
export async function carryOutApproval(db: SqlQueryable, proposalId: string, env: NodeJS.ProcessEnv, now: Date): Promise<ApprovalWork> {
  const proposal = await getClusterProposal(db, proposalId);
  if (!proposal) return { status: 'not_a_cluster_proposal' };
  if (proposal.status !== 'approved') return { status: 'not_approved' };
  const checklistSteps = await writeChecklist(db, proposal);
  const executor = await callFixExecutor(db, proposal, env, now);
  return { status: 'done', proposal, checklistSteps, executor };
}
