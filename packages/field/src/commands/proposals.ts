import { carryOutApproval } from '@ecm/agent/state';
import { oneLine } from '@ecm/core/text';
import { notice, parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { claimIdentity } from '../identity/agent-identity.js';
import { decideProposal, ensureProposalTable, listProposalRows } from '../proposals/proposal-decisions.js';
import type { ProposalDecisionRow } from '@ecm/agent';
import { styleFor } from '../render/style.js';
import { textTable } from '../render/text-table.js';
import { shortTime, zoneLabel } from '../render/when.js';
import { withSession } from '../session/field-session.js';
import { printJson, type AgentOptions } from './options.js';

const aed = (v: number | null) => (v === null ? '—' : `AED ${Math.round(v).toLocaleString('en-US')}`);

export async function proposalsCommand(options: AgentOptions & { all?: boolean }): Promise<number> {
  const now = parseAsOf(options.asOf);
  const identity = await claimIdentity(options.agent);
  return withSession({ command: 'proposals', identity, now, warehouse: 'lazy' }, async (s) => {
    await ensureProposalTable(s.state);
    const rows = await listProposalRows(s.state, options.all ? null : 'pending');
    if (options.json) {
      printJson({ agent: s.agent.email, supervisor: s.agent.role === 'supervisor', proposals: rows });
      return EXIT.ok;
    }
    if (rows.length === 0) {
      process.stdout.write(options.all ? 'No fix proposals yet.\n' : 'No proposals waiting for a decision.\n');
      return EXIT.ok;
    }
    const style = styleFor(process.stdout);
    const tz = s.config.settings.reports.time_zone;
    process.stdout.write(
      `${textTable<ProposalDecisionRow>(
        [
          { header: 'ID', value: (p) => p.id.slice(0, 8) },
          { header: 'PROPOSED', value: (p) => `${shortTime(p.created_at, tz)} ${zoneLabel(tz)}` },
          { header: 'ORDER', value: (p) => p.order_id },
          { header: 'VALUE', value: (p) => aed(p.amount_aed), align: 'right' },
          { header: 'GATE', value: (p) => (p.needs_supervisor ? 'supervisor' : 'agent'), paint: (t, p) => (p.needs_supervisor ? style.yellow(t) : t) },
          { header: 'STATUS', value: (p) => (p.status === 'pending' ? 'pending' : `${p.status} by ${p.decided_by ?? '?'}`) },
          { header: 'ACTION', value: (p) => p.action, max: 70 },
        ],
        rows,
      )}\n`,
    );
    if (!options.all) notice(`Decide with: ecm-field approve ID  |  ecm-field reject ID --reason "…"${s.agent.role === 'supervisor' ? '' : ' (supervisor-gated ones need a supervisor)'}`);
    return EXIT.ok;
  });
}

export async function decideCommand(decision: 'approved' | 'rejected', id: string, options: AgentOptions & { reason?: string }): Promise<number> {
  const now = parseAsOf(options.asOf);
  const reason = options.reason?.trim() || null;
  if (decision === 'rejected' && !reason) throw new CliError('a rejection needs a reason (--reason "…"): it tells the runtime what was wrong with the fix', EXIT.config);
  const identity = await claimIdentity(options.agent);
  const p = await withSession({ command: decision === 'approved' ? 'approve' : 'reject', identity, now, warehouse: 'lazy' }, async (s) => {
    await ensureProposalTable(s.state);
    const decided = await decideProposal(s.state, id, decision, s.agent, reason, now);
    // An approved cluster proposal becomes work: ticket checklists and, where configured, one executor call.
    const work = decision === 'approved' ? await carryOutApproval(s.state, decided.id, process.env, now) : null;
    return { ...decided, work };
  });
  if (options.json) printJson({ proposal: p });
  else if (decision === 'approved') {
    const { describeApprovalWork } = await import('../proposals/approval-summary.js');
    process.stdout.write(`Approved ${p.id.slice(0, 8)} for ${oneLine(p.order_id)}: ${oneLine(p.action)}\n${describeApprovalWork(p.work, p.order_id)}\n`);
  } else process.stdout.write(`Rejected ${p.id.slice(0, 8)} for ${oneLine(p.order_id)}: ${oneLine(reason ?? '')}\n`);
  return EXIT.ok;
}
