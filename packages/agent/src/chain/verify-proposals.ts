import type { SqlQueryable } from '../db/sql.js';
import { listClusterProposals } from './cluster-proposal.js';

export interface ProposalCheck {
  readonly proposal_id: string;
  readonly cluster_id: string;
  readonly action: string;
  readonly order_count: number;
  readonly cleared_count: number;
  readonly hours_since_approval: number;
  readonly line: string;
}

/** How long after approval a proposal is still followed in the patterns report. */
export const VERIFY_WINDOW_HOURS = 7 * 24;
/** After this long with nothing cleared, the report says the fix had no effect. */
export const NO_EFFECT_HOURS = 24;

/**
 * Did the approved fixes work? For each proposal approved before `asOf` (within the window), counts
 * its orders no longer in the run's stuck set. Pure arithmetic over the triage result.
 */
export async function verifyProposals(
  db: SqlQueryable,
  domain: string,
  stuckOrderIds: ReadonlySet<string>,
  asOf: Date,
): Promise<ProposalCheck[]> {
  const approved = await listClusterProposals(db, domain, 'approved');
  const checks: ProposalCheck[] = [];
  for (const p of approved) {
    if (!p.decidedAt || p.decidedAt > asOf) continue;
    const hours = (asOf.getTime() - p.decidedAt.getTime()) / 3_600_000;
    if (hours > VERIFY_WINDOW_HOURS) continue;
    const total = p.action.order_ids.length;
    const cleared = p.action.order_ids.filter((id) => !stuckOrderIds.has(id)).length;
    const h = Math.max(1, Math.ceil(hours));
    const line =
      cleared > 0
        ? `${p.clusterId}: ${cleared} of ${total} orders cleared within ${h} h (${p.action.kind}, proposal ${p.id.slice(0, 8)})`
        : hours >= NO_EFFECT_HOURS
          ? `${p.clusterId}: no effect after ${Math.floor(hours)} h (${p.action.kind}, proposal ${p.id.slice(0, 8)}, ${total} orders still stuck)`
          : `${p.clusterId}: 0 of ${total} orders cleared so far, ${h} h after approval (${p.action.kind}, proposal ${p.id.slice(0, 8)})`;
    checks.push({
      proposal_id: p.id,
      cluster_id: p.clusterId,
      action: p.action.kind,
      order_count: total,
      cleared_count: cleared,
      hours_since_approval: Math.round(hours * 10) / 10,
      line,
    });
  }
  return checks;
}
