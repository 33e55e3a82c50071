import { checkText, FREE_TEXT_MAX } from '@ecm/core/domain-shapes';
import { terminalSafeDeep } from '@ecm/core/text';
import { interactive, notice, parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { callField } from '../gateway/field-tools.js';
import { askLine } from '../prompt/ask-line.js';
import { styleFor } from '../render/style.js';
import { withFieldTools } from '../session/field-connection.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';

/** Checked here to answer at once, and again by the gateway (the rule for every client). */
function checkedReason(reason: string): string {
  if (!reason.trim()) throw new CliError('an escalation needs a reason: say what is blocked and who must act (--reason "…")', EXIT.config);
  const checked = checkText('the escalation reason', reason, { lines: true });
  if (!checked.ok)
    throw new CliError(
      `${checked.problem} (at most ${FREE_TEXT_MAX.toLocaleString('en-US')} characters of plain text; put long evidence in the ticket or a linked document)`,
      EXIT.config,
    );
  return checked.text;
}

export async function escalateCommand(orderIdArg: string, options: AgentOptions & { reason?: string }): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  let reason = options.reason === undefined ? undefined : checkedReason(options.reason);
  const connect = { command: 'escalate', agentFlag: options.agent, now };
  if (reason === undefined) {
    if (!interactive() || options.json) throw new CliError('--reason "…" is required: say what is blocked and who must act', EXIT.config);
    await withFieldTools(connect, (c) => callField(c.client, 'field_my_ticket', { order_id: orderId, action: 'escalate' }));
    reason = checkedReason(await askLine('Why escalate (what is blocked, who must act): '));
  }
  const escalated = await withFieldTools(connect, (c) => callField(c.client, 'field_escalate', { order_id: orderId, reason }));
  for (const line of escalated.notices) notice(line);
  const { notices: _notices, ...done } = escalated;

  if (options.json) printJson(done);
  else {
    const style = styleFor(process.stdout);
    // Order status, reasons and contacts are data: printed without control characters.
    const safe = terminalSafeDeep(done);
    const { target: t, escalation: e } = safe;
    const lines = [
      `Escalated ${style.bold(orderId)} (${safe.stuckReason}, ${e.priority}, ${e.stuck_hours} h old, GOMS ${e.order_status}); the ticket is now ESCALATED.`,
      `Ladder: ${t.step ? `${t.step.level} — ${t.step.meaning} (order past ${t.step.hours} h)` : 'below the first step (16 h); the L1 contact is named'}`,
      t.contact
        ? `Contact: ${t.contact.role} — ${t.contact.contact} ${t.contact.slack}`
        : `Contact: none listed for team ${safe.team} in ESCALATION.md`,
    ];
    if (t.step) lines.push(`Who is told: ${t.step.who}`);
    if (t.specialist) lines.push(`For ${safe.stuckReason}: ${t.specialist.role} — ${t.specialist.contact} ${t.specialist.slack}`);
    lines.push(
      safe.slack.posted
        ? `Team notified: ${safe.slack.where}.`
        : style.red(`Team NOT notified: ${safe.slack.error}; tell the contact directly.`),
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return done.slack.posted ? EXIT.ok : EXIT.failed;
}
