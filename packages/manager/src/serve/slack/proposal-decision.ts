import type { Agent } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import { z } from 'zod';
import type { ActionResult } from './ticket-actions.js';

const proposalRow = z.object({
  id: z.string(),
  order_id: z.string(),
  action: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  needs_supervisor: z.boolean(),
  amount_aed: z.union([z.number(), z.string().transform(Number)]).nullable(),
  decided_by: z.string().nullable(),
});

/**
 * Approves or rejects a pending fix proposal of `domain` — the human gate, with the terminal's rules
 * (`ecm-field approve/reject`): a high-value approval needs a supervisor, rejecting never does, a
 * rejection needs a reason, and a decided proposal stays decided (the row is locked while deciding).
 */
export async function decideProposal(state: StateDb, domain: string, proposalId: string, decision: 'approved' | 'rejected', agent: Agent, reason: string | null, now: Date): Promise<ActionResult> {
  if (!/^[0-9a-f-]{8,36}$/i.test(proposalId)) return { ok: false, message: `"${proposalId.slice(0, 40)}" is not a proposal id.` };
  if (decision === 'rejected' && !reason?.trim()) return { ok: false, message: 'A rejection needs a reason: it tells the runtime what was wrong with the fix.' };
  const { ensureAgentSchema, carryOutApproval } = await import('@ecm/agent');
  await ensureAgentSchema(state);
  const decided = await state.transaction(async (tx): Promise<ActionResult> => {
    const rows = await tx.query('SELECT id, order_id, action, status, needs_supervisor, amount_aed, decided_by FROM proposals WHERE domain = $1 AND id = $2 FOR UPDATE', [domain, proposalId]);
    if (rows.length === 0) return { ok: false, message: `No proposal ${proposalId.slice(0, 8)} in ${domain}.` };
    const p = proposalRow.parse(rows[0]);
    const short = p.id.slice(0, 8);
    if (p.status !== 'pending') return { ok: false, message: `Proposal ${short} was already ${p.status} by ${p.decided_by ?? 'someone'}.` };
    if (decision === 'approved' && p.needs_supervisor && agent.role !== 'supervisor') {
      const value = p.amount_aed === null ? 'amount unknown' : `AED ${Math.round(p.amount_aed).toLocaleString('en-US')}`;
      return { ok: false, message: `Proposal ${short} is high value (${value}): only a supervisor may approve it. Ask your supervisor.` };
    }
    await tx.query(`UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1 AND status = 'pending'`, [p.id, decision, agent.email, now.toISOString(), reason]);
    return { ok: true, message: decision === 'approved' ? `Approved ${short} for ${p.order_id}: ${p.action}` : `Rejected ${short} for ${p.order_id}: ${reason ?? ''}` };
  });
  if (!decided.ok || decision !== 'approved') return decided;
  // An approved cluster proposal becomes work: checklists and, where configured, one executor call.
  const work = await carryOutApproval(state, proposalId, process.env, now);
  const tail = work.status === 'done' ? ` — ${work.checklistSteps} checklist steps written` : '';
  return { ok: true, message: `${decided.message}${tail}` };
}
