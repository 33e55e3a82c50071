import {
  fitToLimits,
  codeTable,
  trustedMrkdwn,
  context,
  formatCount,
  formatHours,
  header,
  md,
  section,
  type SlackMessage,
  type SlackPost,
} from '@ecm/core/slack';
import { exactAed, exactAmount } from './exact-amount.js';
import { ticketLinesWithButtons } from '../serve/slack/slack-actions.js';

export type { TriageFacts } from '../phases/phase-facts.js';
import type { TriageFacts } from '../phases/phase-facts.js';

const ROWS_PER_REPLY = 30;
/** More agents than this without a direct message: one pointer reply instead of one reply per agent. */
const AGENT_REPLIES_MAX = 3;
const QUEUE_LINES_PER_POST = 10;

/** Each ticket's line with its Start / Resolve / Escalate buttons (the Slack app answers them). */
function queueBlocks(mine: readonly TriageFacts['assignments'][number][]): SlackMessage['blocks'] {
  const lines = queueLines(mine);
  return ticketLinesWithButtons(mine.map((a, i) => ({ orderId: a.order_id, mrkdwn: lines[i]! })));
}

export interface TriageRenderOptions {
  /** Agents who get their queue as a direct message: no reply for them in the report thread. */
  readonly direct: ReadonlySet<string>;
  /** More assignments than this: the thread shows the first rows and points to the full list. */
  readonly tableRowsMax: number;
  /** Where the full list is (mrkdwn built by us): the sheet's link, or the command that prints it. */
  readonly fullList: string;
}

const DEFAULT_OPTIONS: TriageRenderOptions = { direct: new Set(), tableRowsMax: Infinity, fullList: '`ecm-manager tickets`' };

function queueLines(mine: readonly TriageFacts['assignments'][number][]): string[] {
  return mine.map((a) => md`• \`${a.order_id}\` ${a.priority} ${a.currency} ${exactAmount(a.send_amount_decimal)} — ${a.action}`);
}

function byAgent(f: TriageFacts): [string, TriageFacts['assignments'][number][]][] {
  const out = new Map<string, TriageFacts['assignments'][number][]>();
  for (const a of f.assignments) out.set(a.agent_email, [...(out.get(a.agent_email) ?? []), a]);
  return [...out.entries()].sort((x, y) => x[0].localeCompare(y[0]));
}

/** Each agent's new tickets as a direct message (channel: the DM channel opened when the plan was made). */
export function renderAgentQueues(f: TriageFacts, directChannels: ReadonlyMap<string, string>): SlackMessage[] {
  return byAgent(f)
    .filter(([email]) => directChannels.has(email))
    .map(([email, mine]) => {
      const parts: TriageFacts['assignments'][number][][] = [];
      for (let i = 0; i < mine.length; i += QUEUE_LINES_PER_POST) parts.push(mine.slice(i, i + QUEUE_LINES_PER_POST));
      const head = md`*${formatCount(mine.length)}* new ECM ticket${mine.length === 1 ? '' : 's'} for you (${f.report_time}), most urgent first — \`ecm-field my-tickets\` shows your whole queue`;
      return {
        title: `Queue for ${email}`,
        text: md`${formatCount(mine.length)} new ECM tickets for you`,
        blocks: [section(head), ...queueBlocks(parts[0]!)],
        thread: parts.slice(1).map((p) => ({ text: 'More new tickets', blocks: [section(CONTINUED), ...queueBlocks(p)] })),
        channel: directChannels.get(email)!,
      };
    });
}

const CONTINUED = '_(continued)_';

type Blocks = SlackMessage['blocks'];

/** What was assigned (or why nothing was), capacity, the top critical orders and the overflow. */
function assignedBlocks(f: TriageFacts): Blocks {
  if (!f.assignment_allowed) {
    return [
      section(
        md`:no_entry: *0* orders assigned — ${f.sanity.message}. Nothing was written; check the candidate filters and the warehouse feeds, then re-run with --force.`,
      ),
    ];
  }
  if (f.capacity.length === 0) {
    return [
      section(
        md`:no_entry: *0* orders assigned — there are no active agents in the ticket store. Add them with \`ecm-manager agents add\` or \`agents import\`.`,
      ),
    ];
  }
  const blocks: Blocks = [
    section(
      md`*${formatCount(f.assigned)}* orders assigned (${exactAed(f.assigned_value_aed_decimal)}, ${formatCount(f.assigned_high_value)} high value) — ` +
        md`${formatCount(f.assigned_by_priority.P1 ?? 0)} P1 · ${formatCount(f.assigned_by_priority.P2 ?? 0)} P2 · ${formatCount(f.assigned_by_priority.P3 ?? 0)} P3 · ${formatCount(f.assigned_by_priority.P4 ?? 0)} P4`,
    ),
  ];
  const free = f.capacity.reduce((n, c) => n + Math.max(0, c.free_after), 0);
  const max = f.capacity.reduce((n, c) => n + c.max_tickets, 0);
  blocks.push(
    section(
      md`*${formatCount(f.capacity.length)}* active agents, ${formatCount(free)} of ${formatCount(max)} ticket slots still free; ${formatCount(f.already_open)} orders already had an open ticket.`,
    ),
  );
  const top = f.assignments.filter((a) => a.priority === 'P1').slice(0, 3);
  if (top.length) {
    blocks.push(
      section(
        `*Top critical*\n${top.map((a) => md`• \`${a.order_id}\` ${exactAed(a.amount_aed_decimal)} · ${formatHours(a.hours)} · ${a.stuck_reason} → ${a.agent}`).join('\n')}`,
      ),
    );
  }
  if (f.overflow.total > 0) {
    blocks.push(
      section(
        md`:warning: *${formatCount(f.overflow.total)}* orders not assigned (no capacity): ${formatCount(f.overflow.P1)} P1 · ${formatCount(f.overflow.P2)} P2 · ${formatCount(f.overflow.P3)} P3 · ${formatCount(f.overflow.P4)} P4`,
      ),
    );
  }
  return blocks;
}

/** Self-healed closes, orphaned tickets and orders stuck again, as one context line (none when there are none). */
function notesBlocks(f: TriageFacts): Blocks {
  const notes: string[] = [];
  if (f.self_healed.length) notes.push(md`${formatCount(f.self_healed.length)} tickets closed as self-healed`);
  if (f.orphaned.length)
    notes.push(
      md`${formatCount(f.orphaned.length)} open tickets held by inactive agents (move them: \`ecm-manager tickets handover --from EMAIL\`)`,
    );
  if (f.resolved_still_stuck) notes.push(md`${formatCount(f.resolved_still_stuck)} resolved orders are stuck again`);
  return notes.length ? [context(notes.join(' · '))] : [];
}

/** The assignment list in the thread: every row in parts, or (when long) the most urgent and a pointer to the full list. */
function assignmentReplies(f: TriageFacts, options: TriageRenderOptions): SlackPost[] {
  const thread: SlackPost[] = [];
  const long = f.assignments.length > options.tableRowsMax;
  const tableRows = long ? f.assignments.slice(0, ROWS_PER_REPLY) : f.assignments;
  for (let i = 0; i < tableRows.length; i += ROWS_PER_REPLY) {
    const chunk = tableRows.slice(i, i + ROWS_PER_REPLY);
    const table = codeTable(
      ['order', 'pri', 'AED', 'hours', 'reason', 'agent'],
      chunk.map((a) => [a.order_id, a.priority, exactAmount(a.amount_aed_decimal), formatHours(a.hours), a.stuck_reason, a.agent]),
      { align: ['left', 'left', 'right', 'right', 'left', 'left'] },
    );
    if (long) {
      const more = md`_…and ${formatCount(f.assignments.length - tableRows.length)} more: the full list is in ${trustedMrkdwn(options.fullList)}_`;
      thread.push({
        text: `Assignments (first ${tableRows.length} of ${f.assignments.length})`,
        blocks: [
          section(`*Assignments, the ${tableRows.length} most urgent of ${formatCount(f.assignments.length)}*\n${table}`),
          section(more),
        ],
      });
    } else {
      const part = `${i / ROWS_PER_REPLY + 1}/${Math.ceil(f.assignments.length / ROWS_PER_REPLY)}`;
      thread.push({ text: `Assignments ${part}`, blocks: [section(`*Assignments ${part}*\n${table}`)] });
    }
  }
  return thread;
}

/**
 * Queues of agents without a direct message: one reply each (continued rather than cut) for a few
 * agents; for more, one line in the report instead, so the thread stays short however many there are.
 */
function queueParts(f: TriageFacts, options: TriageRenderOptions): { blocks: Blocks; replies: SlackPost[] } {
  const undelivered = byAgent(f).filter(([email]) => !options.direct.has(email));
  if (undelivered.length > AGENT_REPLIES_MAX) {
    const dm = options.direct.size ? md` (${formatCount(options.direct.size)} agents got theirs by direct message)` : '';
    return {
      blocks: [
        context(
          md`Queues for ${formatCount(undelivered.length)} agents${trustedMrkdwn(dm)}: each agent sees theirs with \`ecm-field my-tickets\`; the full list is in ${trustedMrkdwn(options.fullList)}.`,
        ),
      ],
      replies: [],
    };
  }
  const replies: SlackPost[] = [];
  for (const [, mine] of undelivered) {
    // One reply per agent; a long queue continues in further replies rather than being cut.
    for (let i = 0; i < mine.length; i += QUEUE_LINES_PER_POST) {
      const who = mine[0]!.agent;
      replies.push({
        text: `${who}: ${mine.length} new tickets`,
        blocks: [
          section(md`*${who}* — ${formatCount(mine.length)} new tickets${i > 0 ? ' (continued)' : ''}`),
          ...queueBlocks(mine.slice(i, i + QUEUE_LINES_PER_POST)),
        ],
      });
    }
  }
  return { blocks: [], replies };
}

function orphanedReplies(f: TriageFacts): SlackPost[] {
  if (!f.orphaned.length) return [];
  return [
    {
      text: 'Orphaned tickets',
      blocks: [
        section(
          `*Orphaned tickets (agent inactive)*\n${codeTable(
            ['order', 'pri', 'agent'],
            f.orphaned.slice(0, 60).map((o) => [o.order_id, o.priority, o.agent_email]),
          )}`,
        ),
      ],
    },
  ];
}

/**
 * §10 triage report: what was assigned to whom. The thread has the assignment list (the first rows and a
 * pointer when it is long) and, for agents without a direct message, their queues — one reply each for a
 * few agents, else one pointer — so a run with many agents stays a handful of posts in the channel.
 */
export function renderTriageMessage(f: TriageFacts, options: TriageRenderOptions = DEFAULT_OPTIONS): SlackMessage {
  const title = `:dart: *ECM Triage* — ${f.report_time}`;
  const queues = queueParts(f, options);
  const blocks: Blocks = [header(`ECM Triage — ${f.report_time}`), ...assignedBlocks(f), ...notesBlocks(f), ...queues.blocks];
  const thread: SlackPost[] = [...assignmentReplies(f, options), ...queues.replies, ...orphanedReplies(f)];
  const text = f.assignment_allowed
    ? md`${formatCount(f.assigned)} orders assigned (${exactAed(f.assigned_value_aed_decimal)})`
    : md`0 orders assigned: ${f.sanity.message}`;
  return fitToLimits({ title, text, blocks, thread });
}
