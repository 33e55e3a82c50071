import os from 'node:os';
import type { Agent, EcmConfig, Ticket, TicketHistoryEntry, TicketStore } from '@ecm/core/domain';
import type { SlackSink } from '@ecm/core/slack';
import type { StateDb } from '@ecm/core/stores';
import { loadValidConfig, notice, parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { csvCell } from '../render/stuck-view.js';
import { textTable } from '../render/text-table.js';
import { finishUnfinishedNotices, noticesFor, runNoticePlan } from '../tickets/assignee-notices.js';
import { openLoad, planHandover, type Move } from '../tickets/plan-handover.js';
import { boardRows, filterBoard, summarize, type BoardRow } from '../tickets/ticket-board.js';
import { teamOf } from '../phases/sla-phase.js';
import { withTicketStore } from './with-state.js';
import { TEAMS, TICKET_STATUSES, slaClock } from '@ecm/core/domain';
import { openSlackDirectory, openSlackSink } from '@ecm/core/slack';

export interface TicketsListOptions {
  asOf?: string;
  agent?: string;
  team?: string;
  status?: string;
  breached?: boolean;
  all?: boolean;
  json?: boolean;
  csv?: boolean;
}

const CSV_FIELDS = [
  'order_id',
  'agent_email',
  'agent_name',
  'team',
  'status',
  'priority',
  'stuck_reason',
  'currency',
  'amount',
  'assigned_at',
  'age_hours',
  'sla_left_minutes',
  'sla_band',
] as const;

const hm = (minutes: number | null) => {
  if (minutes === null) return '—';
  const sign = minutes < 0 ? '-' : '';
  const m = Math.abs(minutes);
  return `${sign}${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
};

/** The statuses --status names (validated), else the open ones, else all with --all; --team checked too. */
async function shownStatusesOf(options: TicketsListOptions, openStatuses: readonly string[]): Promise<readonly string[] | undefined> {
  if (options.team && !(TEAMS as readonly string[]).includes(options.team))
    throw new CliError(`--team ${options.team}: expected one of ${TEAMS.join(', ')}`, EXIT.config);
  const statuses = options.status
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = statuses?.find((s) => !(TICKET_STATUSES as readonly string[]).includes(s));
  if (bad) throw new CliError(`--status ${bad}: expected ${TICKET_STATUSES.join(', ')} (comma-separated)`, EXIT.config);
  return statuses ?? (options.all ? undefined : openStatuses);
}

type Summary = ReturnType<typeof summarize>;

function printBoardJson(asOf: Date, shown: readonly BoardRow[], byAgent: Summary, byTeam: Summary): void {
  process.stdout.write(
    `${JSON.stringify({ as_of: asOf.toISOString(), tickets: shown, summary: { total: shown.length, by_agent: byAgent.map(({ key, ...s }) => ({ agent_email: key, ...s })), by_team: byTeam.map(({ key, ...s }) => ({ team: key, ...s })) } })}\n`,
  );
}

function printBoardCsv(shown: readonly BoardRow[]): void {
  process.stdout.write(`${[CSV_FIELDS.join(','), ...shown.map((r) => CSV_FIELDS.map((f) => csvCell(r[f])).join(','))].join('\n')}\n`);
}

const summaryTable = (title: string, list: Summary) =>
  textTable(
    [
      { header: title, width: 28, value: (s: Summary[number]) => s.key },
      { header: 'OPEN', width: 5, align: 'right', value: (s) => String(s.open) },
      { header: 'BREACHED', width: 8, align: 'right', value: (s) => String(s.breached) },
      { header: 'CRITICAL', width: 8, align: 'right', value: (s) => String(s.critical) },
      { header: 'ESCALATED', width: 9, align: 'right', value: (s) => String(s.escalated) },
    ],
    list,
  );

function printBoardText(shown: readonly BoardRow[], byAgent: Summary, byTeam: Summary): void {
  process.stdout.write(
    `${textTable<BoardRow>(
      [
        { header: 'ORDER', width: 13, value: (r) => r.order_id },
        { header: 'AGENT', width: 17, value: (r) => `${r.agent_active ? '' : '!'}${r.agent_email.split('@')[0]}` },
        { header: 'TEAM', width: 7, value: (r) => r.team },
        { header: 'STATUS', width: 11, value: (r) => r.status },
        { header: 'PRI', width: 3, value: (r) => r.priority },
        { header: 'SLA LEFT', width: 8, align: 'right', value: (r) => hm(r.sla_left_minutes) },
        { header: 'BAND', width: 8, value: (r) => r.sla_band },
        { header: 'AGE', width: 4, align: 'right', value: (r) => `${Math.round(r.age_hours)}h` },
      ],
      shown,
    )}\n`,
  );
  process.stdout.write(`\n${summaryTable('BY TEAM', byTeam)}\n\n${summaryTable('BY AGENT', byAgent)}\n`);
  if (shown.some((r) => !r.agent_active))
    process.stdout.write('\n! inactive agent: move these with `ecm-manager tickets handover --from EMAIL`\n');
}

/** `ecm-manager tickets`: every ticket across agents and teams, with SLA left and band, and a summary. */
export async function ticketsListCommand(options: TicketsListOptions): Promise<number> {
  if (options.json && options.csv) throw new CliError('choose one of --json and --csv', EXIT.config);
  const config = await loadValidConfig();
  const asOf = parseAsOf(options.asOf);
  const shownStatuses = await shownStatusesOf(options, config.settings.assignment.open_statuses);
  const rows = await withTicketStore('tickets', async (store) => {
    const [tickets, agents] = await Promise.all([store.listTickets(), store.listAgents()]);
    return boardRows(config, tickets, agents, asOf, slaClock);
  });
  const shown = filterBoard(rows, {
    ...(options.agent ? { agent: options.agent } : {}),
    ...(options.team ? { team: options.team } : {}),
    ...(shownStatuses ? { statuses: shownStatuses } : {}),
    breached: Boolean(options.breached),
  });
  const byAgent = summarize(shown, (r) => r.agent_email);
  const byTeam = summarize(shown, (r) => r.team);
  if (options.json) printBoardJson(asOf, shown, byAgent, byTeam);
  else if (options.csv) printBoardCsv(shown);
  else if (shown.length === 0) process.stdout.write('No tickets match. Tickets are written by `ecm-manager daily` (or `triage`).\n');
  else {
    printBoardText(shown, byAgent, byTeam);
    notice(`${shown.length} tickets (${shownStatuses ? shownStatuses.join(', ') : 'all statuses'}) as of ${asOf.toISOString()}`);
  }
  return EXIT.ok;
}

/** Who made the change: --by, else ECM_OPERATOR, else the OS user. */
export function operatorName(by: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = by?.trim() || env.ECM_OPERATOR?.trim();
  if (chosen) return chosen;
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown operator';
  }
}

interface MoveOptions {
  reason?: string;
  by?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** Plans the notices, saves them with the moves under one run key, moves, posts. */
async function moveTickets(
  config: EcmConfig,
  state: StateDb,
  store: TicketStore,
  agents: readonly Agent[],
  moves: readonly Move[],
  runKey: string,
  at: Date,
  options: MoveOptions,
): Promise<{ posted: boolean; error?: string }> {
  const operator = operatorName(options.by);
  const reason = options.reason?.trim() ?? '';
  const reassignments = moves.map((m): TicketHistoryEntry & { action: 'REASSIGNED' } => ({
    at: at.toISOString(),
    order_id: m.ticket.order_id,
    action: 'REASSIGNED',
    from_agent: m.ticket.agent_email,
    to_agent: m.to,
    by: operator,
    reason,
  }));
  const directory = openSlackDirectory(process.env, state);
  const messages = await noticesFor(config, directory, agents, moves, { operator, reason, at: at.toISOString() });
  const sink: SlackSink = openSlackSink(process.env, { out: process.stderr });
  return runNoticePlan(state, store, sink, runKey, at, { facts: { moves: reassignments }, messages, writes: { reassignments } });
}

interface MoveContext {
  readonly config: EcmConfig;
  /** The move's time: the history entries and the notices' run key. */
  readonly at: Date;
  readonly store: TicketStore;
  readonly state: StateDb;
  readonly agents: readonly Agent[];
  /** The open tickets: the load each agent carries. */
  readonly open: readonly Ticket[];
}

/**
 * What reassign and handover start with: the configuration, the ticket store with the notices of an
 * earlier interrupted move posted first, the roster and the open tickets.
 */
async function withTicketMove(command: string, move: (ctx: MoveContext) => Promise<number>): Promise<number> {
  const config = await loadValidConfig();
  const at = new Date();
  return withTicketStore(command, async (store, state) => {
    await finishUnfinishedNotices(state, store, openSlackSink(process.env, { out: process.stderr }));
    const [agents, open] = await Promise.all([
      store.listAgents(),
      store.listTickets({ statuses: config.settings.assignment.open_statuses }),
    ]);
    return move({ config, at, store, state, agents, open });
  });
}

function requireAgent(agents: readonly Agent[], email: string, what: string): Agent {
  const agent = agents.find((a) => a.email === email.toLowerCase());
  if (!agent) throw new CliError(`${what} ${email} is not in the agent roster; see ecm-manager agents list --all`, EXIT.failed);
  return agent;
}

/** `ecm-manager tickets reassign ORDER --to EMAIL`: one ticket to another active agent of its team with room left. */
export async function ticketsReassignCommand(orderId: string, options: MoveOptions & { to?: string; force?: boolean }): Promise<number> {
  if (!options.to) throw new CliError('--to EMAIL is required: the active agent who takes the ticket', EXIT.config);
  const to = options.to.toLowerCase();
  return withTicketMove('tickets reassign', async ({ config, at, store, state, agents, open: all }) => {
    const ticket = await store.getTicket(orderId);
    const target = requireAgent(agents, to, '--to');
    if (!target.active)
      throw new CliError(`${to} is inactive; activate them (ecm-manager agents add) or choose another agent`, EXIT.failed);
    if (!ticket) throw new CliError(`order ${orderId} has no ticket; see ecm-manager tickets`, EXIT.failed);
    if (ticket.status === 'RESOLVED') throw new CliError(`order ${orderId} is already resolved`, EXIT.failed);
    if (ticket.agent_email === to) {
      notice(`order ${orderId} is already assigned to ${to}; nothing to do`);
      return EXIT.ok;
    }
    const owner = agents.find((a) => a.email === ticket.agent_email);
    const team = teamOf(config, ticket, owner);
    const load = openLoad(config, all).get(to) ?? 0;
    if (!options.force && target.team !== team)
      throw new CliError(`${to} is in ${target.team}, but order ${orderId} is a ${team} ticket; --force to move it anyway`, EXIT.failed);
    if (!options.force && load >= target.max_tickets)
      throw new CliError(`${to} already has ${load} open tickets (Max Tickets ${target.max_tickets}); --force to go over`, EXIT.failed);
    return report(
      options,
      [{ ticket, to }],
      [],
      options.dryRun
        ? null
        : await moveTickets(config, state, store, agents, [{ ticket, to }], `notify:reassign:${orderId}@${at.toISOString()}`, at, options),
    );
  });
}

/** `ecm-manager tickets handover --from EMAIL`: every open ticket of an agent to team-mates with room left. */
export async function ticketsHandoverCommand(options: MoveOptions & { from?: string }): Promise<number> {
  if (!options.from) throw new CliError('--from EMAIL is required: the agent whose open tickets are handed over', EXIT.config);
  const from = options.from.toLowerCase();
  return withTicketMove('tickets handover', async ({ config, at, store, state, agents, open }) => {
    requireAgent(agents, from, '--from');
    const plan = planHandover(config, from, open, agents);
    const outcome =
      options.dryRun || plan.moves.length === 0
        ? null
        : await moveTickets(config, state, store, agents, plan.moves, `notify:handover:${from}@${at.toISOString()}`, at, options);
    return report(options, plan.moves, plan.stranded, outcome);
  });
}

function report(
  options: MoveOptions,
  moves: readonly Move[],
  stranded: readonly Ticket[],
  outcome: { posted: boolean; error?: string } | null,
): number {
  const verb = options.dryRun ? 'would move' : 'moved';
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ dry_run: Boolean(options.dryRun), moved: moves.map((m) => ({ order_id: m.ticket.order_id, from: m.ticket.agent_email, to: m.to })), stranded: stranded.map((t) => t.order_id), notified: outcome?.posted ?? false })}\n`,
    );
  } else {
    for (const m of moves) process.stdout.write(`${m.ticket.order_id}  ${m.ticket.agent_email} → ${m.to}\n`);
    for (const t of stranded) process.stdout.write(`${t.order_id}  stays with ${t.agent_email}: no active team-mate has room\n`);
  }
  notice(
    `${verb} ${moves.length} ticket${moves.length === 1 ? '' : 's'}${stranded.length ? `; ${stranded.length} left (no capacity in the team)` : ''}`,
  );
  if (outcome && !outcome.posted) {
    notice(`the new assignees were not notified yet (${outcome.error}); the next ecm-manager tickets command posts what is missing`);
    return EXIT.partial;
  }
  return EXIT.ok;
}
