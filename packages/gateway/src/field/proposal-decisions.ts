import type { Agent, StateDb, StateQueryable } from '@ecm/core';
import { z } from 'zod';
import { ToolError } from '../tools/tool-error.js';

export const PROPOSAL_DOMAIN = 'ecm';

const when = z.union([z.date(), z.string()]).transform((v) => new Date(v).toISOString());
const proposalRow = z.object({
  id: z.string(),
  created_at: when,
  order_id: z.string(),
  action: z.string(),
  rationale: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  needs_supervisor: z.boolean(),
  amount_aed: z.union([z.number(), z.string().transform(Number)]).nullable(),
  skill: z.string(),
  decided_by: z.string().nullable(),
  decided_at: when.nullable(),
  decision_reason: z.string().nullable(),
});
export type ProposalRow = z.infer<typeof proposalRow>;
export type ProposalStatus = ProposalRow['status'];

/** The agent runtime's `proposals` table, created by its schema when missing. */
export async function ensureProposalTable(db: StateDb): Promise<void> {
  const { ensureAgentSchema } = await import('@ecm/agent');
  await ensureAgentSchema(db);
}

const COLUMNS = 'id, created_at, order_id, action, rationale, status, needs_supervisor, amount_aed, skill, decided_by, decided_at, decision_reason';

export async function listProposalRows(db: StateQueryable, status: ProposalStatus | null): Promise<ProposalRow[]> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM proposals WHERE domain = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at, id`,
    [PROPOSAL_DOMAIN, status],
  );
  return rows.map((r) => proposalRow.parse(r));
}

/** One proposal by its id or an unambiguous prefix of it (the list shows the first 8 characters). */
async function findForUpdate(tx: StateQueryable, idOrPrefix: string): Promise<ProposalRow> {
  const key = idOrPrefix.trim().toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/.test(key)) throw new ToolError(`"${idOrPrefix}" is not a proposal id (see ecm-field proposals)`, 'usage');
  const rows = await tx.query(`SELECT ${COLUMNS} FROM proposals WHERE domain = $1 AND id LIKE $2 ORDER BY id FOR UPDATE`, [PROPOSAL_DOMAIN, `${key}%`]);
  if (rows.length === 0) throw new ToolError(`no proposal ${idOrPrefix}; see ecm-field proposals --all`);
  if (rows.length > 1) throw new ToolError(`"${idOrPrefix}" matches ${rows.length} proposals; give more of the id`, 'usage');
  return proposalRow.parse(rows[0]);
}

/**
 * Approves or rejects a pending proposal: the human gate. Approving a high-value proposal needs a
 * supervisor; rejecting never does (it changes nothing). A decided proposal stays decided.
 */
export async function decideProposal(db: StateDb, idOrPrefix: string, decision: 'approved' | 'rejected', agent: Agent, reason: string | null, now: Date): Promise<ProposalRow> {
  return db.transaction(async (tx) => {
    const p = await findForUpdate(tx, idOrPrefix);
    if (p.status !== 'pending') {
      throw new ToolError(`proposal ${p.id.slice(0, 8)} was already ${p.status} by ${p.decided_by ?? 'someone'}${p.decided_at ? ` at ${p.decided_at}` : ''}`);
    }
    if (decision === 'approved' && p.needs_supervisor && agent.role !== 'supervisor') {
      throw new ToolError(
        `proposal ${p.id.slice(0, 8)} is high value (${p.amount_aed === null ? 'amount unknown' : `AED ${Math.round(p.amount_aed).toLocaleString('en-US')}`}): only a supervisor may approve it; ${agent.email} is not one. Ask your supervisor (ESCALATION.md: supervisor).`,
        'not_allowed',
      );
    }
    const rows = await tx.query(
      `UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [p.id, decision, agent.email, now.toISOString(), reason],
    );
    return proposalRow.parse(rows[0]);
  });
}

