import type { Agent, EcmConfig, TicketStore } from '@ecm/core/domain';
import type { RunLock, StateDb } from '@ecm/core/stores';
import type { SlackDirectory, SlackMessage, SlackSink } from '@ecm/core/slack';
import { describeError, notice } from '../context.js';
import type { PhasePlan } from '../phases/phase.js';
import type { NoticeFacts } from '../phases/phase-facts.js';
import { mentionOf } from '../render/mention.js';
import { ticketLinesWithButtons } from '../serve/slack/slack-actions.js';
import type { Move } from './plan-handover.js';
import { md, section, trustedMrkdwn, formatCount, fitToLimits } from '@ecm/core/slack';
import { TicketRuleError } from '@ecm/core/domain';

/** The run-record phase of reassignment notices (runs table), beside backlog, triage, patterns and sla. */
export const NOTICE_PHASE = 'notify' as const;

export interface MoveContext {
  readonly operator: string;
  readonly reason: string;
  readonly at: string;
}

const TICKETS_PER_POST = 20;
const chunks = <T>(list: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(list.length / TICKETS_PER_POST) }, (_, i) => list.slice(i * TICKETS_PER_POST, (i + 1) * TICKETS_PER_POST));

/**
 * One message per new assignee: a direct message when Slack can open one, else their team's channel
 * (or the report channel) with a mention, or their plain name when Slack does not know them.
 */
export async function noticesFor(
  config: EcmConfig,
  directory: SlackDirectory,
  agents: readonly Agent[],
  moves: readonly Move[],
  ctx: MoveContext,
): Promise<SlackMessage[]> {
  const byEmail = new Map(agents.map((a) => [a.email, a]));
  const byAssignee = new Map<string, Move[]>();
  for (const m of moves) byAssignee.set(m.to, [...(byAssignee.get(m.to) ?? []), m]);
  const out: SlackMessage[] = [];
  for (const [email, mine] of [...byAssignee.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const agent = byEmail.get(email);
    const dm = await directory.directChannel(email);
    const who = await mentionOf(directory, email, agent);
    const teamChannel = agent ? (config.settings.slack.team_channels as Record<string, string | undefined>)[agent.team] : undefined;
    const channel = dm ?? teamChannel;
    const lines = mine.map(
      (m) =>
        md`• \`${m.ticket.order_id}\` ${m.ticket.priority} ${m.ticket.currency} ${formatCount(m.ticket.amount)} · ${m.ticket.diagnosis} (was ${m.ticket.agent_email}) — ${m.ticket.notes}`,
    );
    const items = mine.map((m, i) => ({ orderId: m.ticket.order_id, mrkdwn: lines[i]! }));
    const head = md`${dm ? '' : trustedMrkdwn(`${who.mrkdwn}: `)}*${formatCount(mine.length)}* ticket${mine.length === 1 ? '' : 's'} reassigned to you by ${ctx.operator}${trustedMrkdwn(ctx.reason ? md` — ${ctx.reason}` : '')}`;
    out.push(
      fitToLimits({
        title: `Tickets reassigned to ${email}`,
        text: md`${formatCount(mine.length)} tickets reassigned to you`,
        // Each ticket with its Start / Resolve / Escalate buttons, 20 a post (41 blocks, under Slack's 50).
        blocks: [section(head), ...ticketLinesWithButtons(items.slice(0, TICKETS_PER_POST))],
        thread: chunks(items.slice(TICKETS_PER_POST)).map((part) => ({
          text: 'More reassigned tickets',
          blocks: [section('_(continued)_'), ...ticketLinesWithButtons(part)],
        })),
        ...(channel ? { channel } : {}),
      }),
    );
  }
  return out;
}

/**
 * Notice plans run inside a short command (withTicketStore): on the embedded store it holds the lock
 * file for the whole command; on PostgreSQL each command's plan has its own run key, so only the
 * finishing of another command's unfinished plan could overlap, and each post is still looked up
 * (metadata) before it is sent again.
 */
const CALLER_HOLDS_LOCK: RunLock = { holder: 'ecm-manager tickets', assertHeld: async () => undefined, release: async () => undefined };

/**
 * Saves the plan (moves and notices) under its run key, applies the moves, then posts through the
 * phases' postPlan, so a crash at any point is finished by the next `tickets` command, posting each
 * notice once.
 */
export async function runNoticePlan(
  state: StateDb,
  store: TicketStore,
  sink: SlackSink,
  runKey: string,
  at: Date,
  plan: PhasePlan<NoticeFacts>,
): Promise<{ posted: boolean; error?: string }> {
  const { postPlan } = await import('../phases/post-progress.js');
  const { RunStore } = await import('../phases/run-store.js');
  const runs = new RunStore(state);
  await runs.save(runKey, NOTICE_PHASE, at.toISOString(), at, { status: 'planned', plan });
  await applyMoves(store, plan);
  await runs.save(runKey, NOTICE_PHASE, at.toISOString(), at, { status: 'written' });
  try {
    await postPlan(runs, sink, CALLER_HOLDS_LOCK, runKey, plan.messages);
  } catch (err) {
    await runs.save(runKey, NOTICE_PHASE, at.toISOString(), at, { status: 'written', error: `posting: ${describeError(err)}` });
    return { posted: false, error: describeError(err) };
  }
  await runs.save(runKey, NOTICE_PHASE, at.toISOString(), at, { status: 'succeeded', error: null });
  return { posted: true };
}

/** Applies a plan's moves; a move already made (by an earlier attempt) is skipped. */
async function applyMoves(store: TicketStore, plan: PhasePlan<NoticeFacts>): Promise<void> {
  for (const change of plan.writes.reassignments ?? []) {
    const now = await store.getTicket(change.order_id);
    if (now?.agent_email === change.to_agent) continue;
    try {
      await store.reassignTicket(change);
    } catch (err) {
      // Moved, resolved or the agent deactivated in the meantime: that ticket stays as it is.
      if (!(err instanceof TicketRuleError)) throw err;
      notice(`order ${change.order_id} not moved: ${err.message}`);
    }
  }
}

/** Finishes notice runs a crash left unfinished: their moves, then the missing posts. */
export async function finishUnfinishedNotices(state: StateDb, store: TicketStore, sink: SlackSink): Promise<void> {
  const { RunStore } = await import('../phases/run-store.js');
  const runs = new RunStore(state);
  for (const { runKey, asOf } of await runs.unfinishedKeys(NOTICE_PHASE)) {
    const run = await runs.read(NOTICE_PHASE, runKey);
    if (!run?.plan) continue;
    notice(`finishing the unfinished ${runKey}`);
    await runNoticePlan(state, store, sink, runKey, asOf, run.plan);
  }
}
