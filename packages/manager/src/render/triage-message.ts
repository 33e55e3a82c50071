import { fitToLimits, codeTable, context, formatAed, formatCount, formatHours, header, md, section, type SanityCheck, type SlackMessage, type SlackPost } from '@ecm/core';

export interface TriageFacts {
  readonly as_of: string;
  readonly report_time: string;
  readonly actionable: number;
  readonly assignment_allowed: boolean;
  readonly sanity: SanityCheck;
  readonly assigned: number;
  readonly assigned_value_aed: number;
  readonly assigned_by_priority: Readonly<Record<string, number>>;
  readonly assigned_high_value: number;
  readonly already_open: number;
  readonly resolved_still_stuck: number;
  readonly overflow: Readonly<Record<'P1' | 'P2' | 'P3' | 'P4' | 'total', number>>;
  readonly not_assigned_by_gate: number;
  readonly capacity: readonly { email: string; handle: string; team: string; max_tickets: number; open_before: number; assigned: number; free_after: number }[];
  readonly assignments: readonly {
    order_id: string;
    agent: string;
    agent_email: string;
    priority: string;
    score: number;
    stuck_reason: string;
    currency: string;
    send_amount: number;
    amount_aed: number;
    hours: number;
    high_value: boolean;
    action: string;
  }[];
  readonly self_healed: readonly { order_id: string; agent_email: string; stuck_reason: string }[];
  readonly orphaned: readonly { order_id: string; agent_email: string; priority: string }[];
}

const ROWS_PER_REPLY = 30;

/** §10 triage report: what was assigned to whom; the thread has the full list and one reply per agent. */
export function renderTriageMessage(f: TriageFacts): SlackMessage {
  const title = `:dart: *ECM Triage* — ${f.report_time}`;
  const top = f.assignments.filter((a) => a.priority === 'P1').slice(0, 3);
  const blocks: SlackMessage['blocks'] = [header(`ECM Triage — ${f.report_time}`)];
  if (!f.assignment_allowed) {
    blocks.push(section(md`:no_entry: *0* orders assigned — ${f.sanity.message}. Nothing was written; check the candidate filters and the warehouse feeds, then re-run with --force.`));
  } else if (f.capacity.length === 0) {
    blocks.push(section(md`:no_entry: *0* orders assigned — there are no active agents in the ticket store. Add them with \`ecm-manager agents add\` or \`agents import\`.`));
  } else {
    blocks.push(
      section(
        md`*${formatCount(f.assigned)}* orders assigned (${formatAed(f.assigned_value_aed)}, ${formatCount(f.assigned_high_value)} high value) — ` +
          md`${formatCount(f.assigned_by_priority.P1 ?? 0)} P1 · ${formatCount(f.assigned_by_priority.P2 ?? 0)} P2 · ${formatCount(f.assigned_by_priority.P3 ?? 0)} P3 · ${formatCount(f.assigned_by_priority.P4 ?? 0)} P4`,
      ),
    );
    const free = f.capacity.reduce((n, c) => n + Math.max(0, c.free_after), 0);
    const max = f.capacity.reduce((n, c) => n + c.max_tickets, 0);
    blocks.push(section(md`*${formatCount(f.capacity.length)}* active agents, ${formatCount(free)} of ${formatCount(max)} ticket slots still free; ${formatCount(f.already_open)} orders already had an open ticket.`));
    if (top.length) {
      blocks.push(section(`*Top critical*\n${top.map((a) => md`• \`${a.order_id}\` ${formatAed(a.amount_aed)} · ${formatHours(a.hours)} · ${a.stuck_reason} → ${a.agent}`).join('\n')}`));
    }
    if (f.overflow.total > 0) {
      blocks.push(section(md`:warning: *${formatCount(f.overflow.total)}* orders not assigned (no capacity): ${formatCount(f.overflow.P1)} P1 · ${formatCount(f.overflow.P2)} P2 · ${formatCount(f.overflow.P3)} P3 · ${formatCount(f.overflow.P4)} P4`));
    }
  }
  const notes: string[] = [];
  if (f.self_healed.length) notes.push(md`${formatCount(f.self_healed.length)} tickets closed as self-healed`);
  if (f.orphaned.length) notes.push(md`${formatCount(f.orphaned.length)} open tickets held by inactive agents (move them: \`ecm-manager tickets handover --from EMAIL\`)`);
  if (f.resolved_still_stuck) notes.push(md`${formatCount(f.resolved_still_stuck)} resolved orders are stuck again`);
  if (notes.length) blocks.push(context(notes.join(' · ')));

  const thread: SlackPost[] = [];
  for (let i = 0; i < f.assignments.length; i += ROWS_PER_REPLY) {
    const chunk = f.assignments.slice(i, i + ROWS_PER_REPLY);
    const table = codeTable(
      ['order', 'pri', 'AED', 'hours', 'reason', 'agent'],
      chunk.map((a) => [a.order_id, a.priority, formatCount(a.amount_aed), formatHours(a.hours), a.stuck_reason, a.agent]),
      { align: ['left', 'left', 'right', 'right', 'left', 'left'] },
    );
    const part = `${i / ROWS_PER_REPLY + 1}/${Math.ceil(f.assignments.length / ROWS_PER_REPLY)}`;
    thread.push({ text: `Assignments ${part}`, blocks: [section(`*Assignments ${part}*\n${table}`)] });
  }
  const byAgent = new Map<string, TriageFacts['assignments'][number][]>();
  for (const a of f.assignments) byAgent.set(a.agent_email, [...(byAgent.get(a.agent_email) ?? []), a]);
  for (const [, mine] of [...byAgent.entries()].sort((x, y) => x[0].localeCompare(y[0]))) {
    const lines = mine.map((a) => md`• \`${a.order_id}\` ${a.priority} ${a.currency} ${formatCount(a.send_amount)} — ${a.action}`);
    // One reply per agent; a long queue continues in further replies rather than being cut.
    for (let i = 0; i < lines.length; i += 10) {
      const who = mine[0]!.agent;
      thread.push({ text: `${who}: ${mine.length} new tickets`, blocks: [section(md`*${who}* — ${formatCount(mine.length)} new tickets${i > 0 ? ' (continued)' : ''}\n` + lines.slice(i, i + 10).join('\n'))] });
    }
  }
  if (f.orphaned.length) {
    thread.push({
      text: 'Orphaned tickets',
      blocks: [section(`*Orphaned tickets (agent inactive)*\n${codeTable(['order', 'pri', 'agent'], f.orphaned.slice(0, 60).map((o) => [o.order_id, o.priority, o.agent_email]))}`)],
    });
  }
  const text = f.assignment_allowed ? md`${formatCount(f.assigned)} orders assigned (${formatAed(f.assigned_value_aed)})` : md`0 orders assigned: ${f.sanity.message}`;
  return fitToLimits({ title, text, blocks, thread });
}
