import type { FieldAnswer } from '@ecm/gateway/field-schemas';
import { oneLine } from '@ecm/core/text';
import { notice, parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { callField } from '../gateway/field-tools.js';
import { styleFor } from '../render/style.js';
import { textTable } from '../render/text-table.js';
import { shortTime, zoneLabel } from '../render/when.js';
import { withFieldTools } from '../session/field-connection.js';
import { printJson, type AgentOptions } from './options.js';

type ProposalRow = FieldAnswer<'field_proposals'>['proposals'][number];

const aed = (v: number | null) => (v === null ? '—' : `AED ${Math.round(v).toLocaleString('en-US')}`);

export async function proposalsCommand(options: AgentOptions & { all?: boolean }): Promise<number> {
  const now = parseAsOf(options.asOf);
  const list = await withFieldTools({ command: 'proposals', agentFlag: options.agent, now }, (c) =>
    callField(c.client, 'field_proposals', { all: Boolean(options.all) }),
  );
  const rows = list.proposals;
  if (options.json) {
    printJson({ agent: list.agent, supervisor: list.supervisor, proposals: rows });
    return EXIT.ok;
  }
  if (rows.length === 0) {
    process.stdout.write(options.all ? 'No fix proposals yet.\n' : 'No proposals waiting for a decision.\n');
    return EXIT.ok;
  }
  const style = styleFor(process.stdout);
  const tz = list.time_zone;
  process.stdout.write(
    `${textTable<ProposalRow>(
      [
        { header: 'ID', value: (p) => p.id.slice(0, 8) },
        { header: 'PROPOSED', value: (p) => `${shortTime(p.created_at, tz)} ${zoneLabel(tz)}` },
        { header: 'ORDER', value: (p) => p.order_id },
        { header: 'VALUE', value: (p) => aed(p.amount_aed), align: 'right' },
        {
          header: 'GATE',
          value: (p) => (p.needs_supervisor ? 'supervisor' : 'agent'),
          paint: (t, p) => (p.needs_supervisor ? style.yellow(t) : t),
        },
        { header: 'STATUS', value: (p) => (p.status === 'pending' ? 'pending' : `${p.status} by ${p.decided_by ?? '?'}`) },
        { header: 'ACTION', value: (p) => p.action, max: 70 },
      ],
      rows,
    )}\n`,
  );
  if (!options.all)
    notice(
      `Decide with: ecm-field approve ID  |  ecm-field reject ID --reason "…"${list.supervisor ? '' : ' (supervisor-gated ones need a supervisor)'}`,
    );
  return EXIT.ok;
}

export async function decideCommand(
  decision: 'approved' | 'rejected',
  id: string,
  options: AgentOptions & { reason?: string },
): Promise<number> {
  const now = parseAsOf(options.asOf);
  const reason = options.reason?.trim() || null;
  if (decision === 'rejected' && !reason)
    throw new CliError('a rejection needs a reason (--reason "…"): it tells the runtime what was wrong with the fix', EXIT.config);
  const decided = await withFieldTools({ command: decision === 'approved' ? 'approve' : 'reject', agentFlag: options.agent, now }, (c) =>
    callField(c.client, 'field_decide_proposal', { id, decision, ...(reason ? { reason } : {}) }),
  );
  const p = decided.proposal;
  if (options.json) printJson({ proposal: p, work_summary: decided.work_summary });
  else if (decision === 'approved') {
    process.stdout.write(`Approved ${p.id.slice(0, 8)} for ${oneLine(p.order_id)}: ${oneLine(p.action)}\n${decided.work_summary ?? ''}\n`);
  } else process.stdout.write(`Rejected ${p.id.slice(0, 8)} for ${oneLine(p.order_id)}: ${oneLine(reason ?? '')}\n`);
  return EXIT.ok;
}
