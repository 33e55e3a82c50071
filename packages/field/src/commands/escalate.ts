import { terminalSafeDeep } from '@ecm/core/text';
import { checkText, FREE_TEXT_MAX, escalationRow, type Escalation } from '@ecm/core/domain';
import { interactive, notice, parseAsOf } from '../context.js';
import { escalationTarget, loadEscalationMatrix, type EscalationTarget } from '../content/escalation-matrix.js';
import { renderEscalationMessage } from '../escalation/escalation-message.js';
import { CliError, EXIT } from '../exit-codes.js';
import { claimIdentity } from '../identity/agent-identity.js';
import { askLine } from '../prompt/ask-line.js';
import { styleFor } from '../render/style.js';
import { shortTime, zoneLabel } from '../render/when.js';
import { withSession, type FieldSession } from '../session/field-session.js';
import { ownOpenTicket } from '../tickets/order-whereabouts.js';
import { asCliError } from '../tickets/ticket-rules.js';
import { updateDailyStats } from '../tickets/update-daily-stats.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';
import { fetchOrderStatuses, isDemo } from '@ecm/core/warehouse';
import { markDemo, openSlackSink, postReport } from '@ecm/core/slack';

async function checkedReason(reason: string): Promise<string> {
  if (!reason.trim()) throw new CliError('an escalation needs a reason: say what is blocked and who must act (--reason "…")', EXIT.config);
  const checked = checkText('the escalation reason', reason, { lines: true });
  if (!checked.ok) throw new CliError(`${checked.problem} (at most ${FREE_TEXT_MAX.toLocaleString('en-US')} characters of plain text; put long evidence in the ticket or a linked document)`, EXIT.config);
  return checked.text;
}

/** GOMS status now, for the Escalations row; a warehouse that cannot answer does not stop an escalation. */
async function liveStatus(s: FieldSession, orderId: string): Promise<string> {
  try {
    const status = (await fetchOrderStatuses(await s.warehouse(), s.config, [orderId])).get(orderId);
    return status ? [status.status, status.sub_state].filter(Boolean).join(' / ') || 'UNKNOWN' : 'NOT_IN_WAREHOUSE';
  } catch (err) {
    notice(`GOMS status unavailable (${(err as Error).message}); recorded as UNKNOWN.`);
    return 'UNKNOWN';
  }
}

interface Escalated {
  readonly escalation: Escalation;
  readonly team: string;
  readonly stuckReason: string;
  readonly target: EscalationTarget;
  readonly slack: { readonly posted: boolean; readonly where: string; readonly error: string | null };
}

async function escalate(s: FieldSession, orderId: string, reason: string): Promise<Escalated> {
  const ticket = await ownOpenTicket(s, orderId, 'escalate');
  if (ticket.status === 'ESCALATED') {
    // One escalation per ticket: a second would notify the team again for the same problem.
    const last = (await s.tickets.listEscalations(new Date(ticket.assigned_at))).filter((e) => e.order_id === orderId).at(-1);
    const tz = s.config.settings.reports.time_zone;
    const when = last ? ` on ${shortTime(last.escalated_at, tz)} ${zoneLabel(tz)} ("${last.reason}")` : '';
    throw new CliError(`order ${orderId} is already escalated${when}; follow up with the contact (ecm-field order ${orderId}) and resolve it when fixed`, EXIT.failed);
  }
  // Read the matrix before writing anything: a broken ESCALATION.md should stop the escalation, not half-do it.
  const matrix = loadEscalationMatrix(s.config.sharedDir);
  const catalogue = s.config.reasons.get(ticket.diagnosis);
  const team = catalogue?.team ?? s.agent.team;
  const escalation = escalationRow(ticket, { by: s.agent.email, reason, orderStatus: await liveStatus(s, ticket.order_id), at: s.now });
  const hours = escalation.stuck_hours;
  const target = escalationTarget(matrix, team, hours, catalogue?.escalation ?? null);
  // The team's channel, and the critical channel at the top of the ladder, as the message says (slack: in ecm.yaml).
  const { team_channels, critical_channel } = s.config.settings.slack;
  const critical = target.step !== null && target.step.level === matrix.ladder.at(-1)?.level;
  const channel = (critical ? critical_channel : null) ?? (team_channels as Record<string, string | undefined>)[team];
  // Notify first, record second: a ticket must never be ESCALATED while its team was not told.
  // When the notification fails nothing is written, the ticket stays open, and the next
  // `escalate` is the retry.
  const slack = await notifyTeam({ escalation, team, stuckReason: ticket.diagnosis, agentName: s.agent.name, target }, channel ?? undefined);
  if (!slack.posted) {
    throw new CliError(
      `the team could not be notified (${slack.error}); nothing was recorded and ${orderId} stays ${ticket.status}. Run the same escalate again to retry, or tell the contact directly.`,
      EXIT.failed,
    );
  }
  try {
    await s.tickets.escalateTicket(escalation);
  } catch (err) {
    const cause = await asCliError(err);
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new CliError(`the team was notified, but the escalation was not recorded: ${message}. Run the same escalate again to record it.`, cause instanceof CliError ? cause.exitCode : EXIT.failed);
  }
  await updateDailyStats(s);
  return { escalation, team, stuckReason: ticket.diagnosis, target, slack };
}

/** Posts to Slack (or the outbox without a token), before the escalation is recorded. */
async function notifyTeam(facts: Parameters<typeof renderEscalationMessage>[0], channel: string | undefined): Promise<Escalated['slack']> {
  try {
    // The outbox prints its copy on stderr, so stdout stays the command's own output.
    const sink = openSlackSink(process.env, { out: process.stderr });
    const message = await renderEscalationMessage(facts);
    // An escalation of a demo order is demo data too: its title says so.
    await postReport(sink, isDemo(process.env) ? markDemo(message) : message, channel ? { channel } : {});
    return { posted: true, where: sink.kind === 'outbox' ? 'outbox (no SLACK_BOT_TOKEN)' : channel ? `Slack (${channel})` : 'Slack', error: null };
  } catch (err) {
    return { posted: false, where: 'nowhere', error: (err as Error).message };
  }
}

export async function escalateCommand(orderIdArg: string, options: AgentOptions & { reason?: string }): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  let reason = options.reason === undefined ? undefined : await checkedReason(options.reason);
  const identity = await claimIdentity(options.agent);
  if (reason === undefined) {
    if (!interactive() || options.json) throw new CliError('--reason "…" is required: say what is blocked and who must act', EXIT.config);
    await withSession({ command: 'escalate', identity, now, warehouse: 'lazy' }, (s) => ownOpenTicket(s, orderId, 'escalate'));
    reason = await checkedReason(await askLine('Why escalate (what is blocked, who must act): '));
  }
  const done = await withSession({ command: 'escalate', identity, now, warehouse: 'lazy' }, (s) => escalate(s, orderId, reason as string));

  if (options.json) printJson(done);
  else {
    const style = styleFor(process.stdout);
    // Order status, reasons and contacts are data: printed without control characters.
    const safe = terminalSafeDeep(done);
    const { target: t, escalation: e } = safe;
    const lines = [
      `Escalated ${style.bold(orderId)} (${safe.stuckReason}, ${e.priority}, ${e.stuck_hours} h old, GOMS ${e.order_status}); the ticket is now ESCALATED.`,
      `Ladder: ${t.step ? `${t.step.level} — ${t.step.meaning} (order past ${t.step.hours} h)` : 'below the first step (16 h); the L1 contact is named'}`,
      t.contact ? `Contact: ${t.contact.role} — ${t.contact.contact} ${t.contact.slack}` : `Contact: none listed for team ${safe.team} in ESCALATION.md`,
    ];
    if (t.step) lines.push(`Who is told: ${t.step.who}`);
    if (t.specialist) lines.push(`For ${safe.stuckReason}: ${t.specialist.role} — ${t.specialist.contact} ${t.specialist.slack}`);
    lines.push(safe.slack.posted ? `Team notified: ${safe.slack.where}.` : style.red(`Team NOT notified: ${safe.slack.error}; tell the contact directly.`));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return done.slack.posted ? EXIT.ok : EXIT.failed;
}
