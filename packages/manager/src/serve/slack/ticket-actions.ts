import { TicketRuleError, ticketSlaOutcome } from '@ecm/core/domain';
import { describeError } from '@ecm/core/cli-kit';
import { refreshDailyStats } from '@ecm/core/stores';
import type {
  ActionFollowed,
  Agent,
  DiagnosisMatch,
  EcmConfig,
  Escalation,
  Resolution,
  ResolutionType,
  Ticket,
  TicketStore,
} from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import { escalationRow, checkText, FREE_TEXT_MAX } from '@ecm/core/domain';
import { fetchOrderStatuses } from '@ecm/core/warehouse';

/** What a ticket action needs: the stores the serve process holds open, and the clock. */
export interface TicketActionDeps {
  readonly config: EcmConfig;
  readonly state: StateDb;
  readonly tickets: TicketStore;
  readonly warehouse: () => Promise<Warehouse>;
  readonly now: () => Date;
}

/** An action's result as a sentence for the person who clicked (plain text; the caller escapes it). */
export type ActionResult =
  | { readonly ok: true; readonly message: string; readonly ticket?: Ticket }
  | { readonly ok: false; readonly message: string };

/** The three feedback answers the terminal's resolve asks (learning loop), each with its choices. */
export const FEEDBACK_CHOICES = {
  diagnosis_match: [
    ['CORRECT', 'The diagnosis was right'],
    ['PARTIAL', 'Partly right'],
    ['WRONG', 'Something else was going on'],
  ],
  action_followed: [
    ['YES', 'Followed the suggested action'],
    ['MODIFIED', 'Followed it with changes'],
    ['IGNORED', 'Did something else'],
  ],
  resolution_type: [
    ['AGENT_RESOLVED', 'I fixed it'],
    ['ESCALATED_RESOLVED', 'Fixed after an escalation'],
    ['FALSE_POSITIVE', 'Nothing was wrong'],
    ['SELF_HEALED', 'It completed by itself'],
  ],
} as const satisfies Record<string, readonly (readonly [string, string])[]>;

export interface ResolveAnswers {
  readonly notes: string;
  readonly diagnosis_match: DiagnosisMatch;
  readonly action_followed: ActionFollowed;
  readonly resolution_type: ResolutionType;
}

/**
 * The ticket if it is `agent`'s own and still open; otherwise why not. Nobody acts for someone else:
 * the check is by the assignee's e-mail, and the store checks it again inside its transaction.
 */
export async function ownOpenTicket(
  d: TicketActionDeps,
  agent: Agent,
  orderId: string,
  verb: 'start' | 'resolve' | 'escalate',
): Promise<ActionResult & { ticket?: Ticket }> {
  const ticket = await d.tickets.getTicket(orderId);
  if (!ticket) return { ok: false, message: `Order ${orderId} has no ticket, so there is nothing to ${verb}.` };
  if (ticket.agent_email.toLowerCase() !== agent.email.toLowerCase()) {
    return {
      ok: false,
      message: `Order ${orderId} is in ${ticket.agent_email}'s queue, not yours; only the assignee may ${verb} it. Ask them or your lead to hand it over.`,
    };
  }
  if (ticket.status === 'RESOLVED')
    return {
      ok: false,
      message: `Order ${orderId} is already resolved; a resolved ticket cannot be ${verb === 'start' ? 'started' : `${verb}d`} again (reopen it with ecm-field reopen).`,
    };
  return { ok: true, message: '', ticket };
}

async function ruleMessage(err: unknown): Promise<string> {
  if (err instanceof TicketRuleError) return err.message;
  throw new Error(describeError(err));
}

/** Start: OPEN → IN_PROGRESS, so the lead sees who is on it. */
export async function startTicket(d: TicketActionDeps, agent: Agent, orderId: string): Promise<ActionResult> {
  const own = await ownOpenTicket(d, agent, orderId, 'start');
  if (!own.ok || !own.ticket) return own;
  if (own.ticket.status === 'IN_PROGRESS') return { ok: true, message: `${orderId} is already IN_PROGRESS with you.`, ticket: own.ticket };
  if (own.ticket.status === 'ESCALATED')
    return { ok: false, message: `${orderId} is escalated; follow up with the contact and resolve it when fixed.` };
  try {
    const ticket = await d.tickets.setTicketStatus(orderId, agent.email, 'IN_PROGRESS', d.now());
    return { ok: true, message: `${orderId} is IN_PROGRESS with you.`, ticket };
  } catch (err) {
    return { ok: false, message: await ruleMessage(err) };
  }
}

/**
 * Resolve with the notes and the three feedback answers. Once: a second submission of the same
 * resolution (a retried request, a double click) finds the ticket resolved and changes nothing.
 */
export async function resolveTicket(d: TicketActionDeps, agent: Agent, orderId: string, answers: ResolveAnswers): Promise<ActionResult> {
  const own = await ownOpenTicket(d, agent, orderId, 'resolve');
  if (!own.ok || !own.ticket) return own;
  const ticket = own.ticket;
  const now = d.now();
  const resolution: Resolution = {
    resolved_at: now.toISOString(),
    order_id: ticket.order_id,
    agent_email: agent.email,
    notes: answers.notes,
    assigned_at: ticket.assigned_at,
    ...ticketSlaOutcome(d.config, ticket, now),
    stuck_reason: ticket.diagnosis,
    amount: ticket.amount,
    currency: ticket.currency,
    diagnosis_match: answers.diagnosis_match,
    action_followed: answers.action_followed,
    resolution_type: answers.resolution_type,
  };
  let resolved: Ticket;
  try {
    resolved = await d.tickets.resolveTicket(resolution);
  } catch (err) {
    return { ok: false, message: await ruleMessage(err) };
  }
  // The resolution is written; the day's stats and the feedback link follow it and never undo it.
  await refreshDailyStats(d.config, d.tickets, now).catch(() => undefined);
  try {
    const { ensureAgentSchema, linkResolveFeedback } = await import('@ecm/agent');
    await ensureAgentSchema(d.state);
    await linkResolveFeedback(d.state, {
      orderId,
      diagnosisMatch: answers.diagnosis_match,
      notes: answers.notes,
      by: agent.email,
      at: now,
    });
  } catch {
    // No approved fix behind this order, or the agent schema unavailable: nothing to link.
  }
  return {
    ok: true,
    message: `Resolved ${orderId} (SLA ${resolution.sla_status}) — ${answers.diagnosis_match} / ${answers.action_followed} / ${answers.resolution_type}.`,
    ticket: resolved,
  };
}

/** GOMS status now, for the Escalations row; a warehouse that cannot answer does not stop an escalation. */
async function liveStatus(d: TicketActionDeps, orderId: string): Promise<string> {
  try {
    const status = (await fetchOrderStatuses(await d.warehouse(), d.config, [orderId])).get(orderId);
    return status ? [status.status, status.sub_state].filter(Boolean).join(' / ') || 'UNKNOWN' : 'NOT_IN_WAREHOUSE';
  } catch {
    return 'UNKNOWN';
  }
}

/** Tells the order's team about an escalation; a failure means nothing is recorded. */
export type EscalationNotice = (
  escalation: Escalation,
  team: string,
  channel: string | null,
) => Promise<{ ok: true } | { ok: false; error: string }>;

/**
 * Escalate with a reason, as the terminal does: once per ticket (a second would notify the team again
 * for the same problem), and the team told first, recorded second — a ticket is never ESCALATED while
 * its team was not told.
 */
export async function escalateTicket(
  d: TicketActionDeps,
  agent: Agent,
  orderId: string,
  reason: string,
  notify: EscalationNotice,
): Promise<ActionResult> {
  const own = await ownOpenTicket(d, agent, orderId, 'escalate');
  if (!own.ok || !own.ticket) return own;
  if (own.ticket.status === 'ESCALATED')
    return { ok: false, message: `${orderId} is already escalated; follow up with the contact and resolve it when fixed.` };
  const escalation = escalationRow(own.ticket, { by: agent.email, reason, orderStatus: await liveStatus(d, orderId), at: d.now() });
  const team = d.config.reasons.get(own.ticket.diagnosis)?.team ?? agent.team;
  const channel = (d.config.settings.slack.team_channels as Record<string, string | undefined>)[team] ?? null;
  const told = await notify(escalation, team, channel);
  if (!told.ok)
    return {
      ok: false,
      message: `The team could not be notified (${told.error}); nothing was recorded and ${orderId} stays ${own.ticket.status}. Click Escalate again to retry.`,
    };
  try {
    const ticket = await d.tickets.escalateTicket(escalation);
    return {
      ok: true,
      message: `Escalated ${orderId} to ${team}${channel ? '' : ' (no team channel configured: told here)'}: ${reason}`,
      ticket,
    };
  } catch (err) {
    return {
      ok: false,
      message: `The team was notified, but the escalation was not recorded: ${await ruleMessage(err)}. Click Escalate again to record it.`,
    };
  }
}

/** Free text from a modal, checked as the terminal checks it: required, plain, bounded. */
export async function checkedFreeText(
  what: string,
  text: string | undefined,
): Promise<{ ok: true; text: string } | { ok: false; problem: string }> {
  if (!text?.trim()) return { ok: false, problem: `${what} cannot be empty` };
  const checked = checkText(what, text, { lines: true });
  return checked.ok
    ? { ok: true, text: checked.text }
    : { ok: false, problem: `${checked.problem} (at most ${FREE_TEXT_MAX.toLocaleString('en-US')} characters of plain text)` };
}
