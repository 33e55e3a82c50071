import { escalationRow, escalationTarget, loadEscalationMatrix, type Escalation, type EscalationTarget } from '@ecm/core/domain';
import { fetchOrderStatuses } from '@ecm/core/warehouse';
import { shortTime, zoneLabel } from '@ecm/core/text';
import type { GatewayContext } from '../gateway-context.js';
import type { ToolCaller } from '../tools/define-tool.js';
import { ToolError } from '../tools/tool-error.js';
import { storeRefusal, type FieldCaller } from './caller-agent.js';
import { renderEscalationMessage, type EscalationFacts } from './escalation-message.js';
import { ownOpenTicket, updateDailyStats } from './own-ticket.js';
import { isDemo } from '@ecm/core/warehouse';
import { markDemo, openSlackSink, postReport } from '@ecm/core/slack';
import { errorText } from '@ecm/core/text';

export interface Escalated {
  readonly escalation: Escalation;
  readonly team: string;
  readonly stuckReason: string;
  readonly target: EscalationTarget;
  readonly slack: { readonly posted: boolean; readonly where: string; readonly error: string | null };
  readonly notices: string[];
}

/** GOMS status now, for the Escalations row; a warehouse that cannot answer does not stop an escalation. */
async function liveStatus(ctx: GatewayContext, orderId: string, notices: string[]): Promise<string> {
  try {
    const status = (await fetchOrderStatuses(await ctx.warehouse(), ctx.config, [orderId])).get(orderId);
    return status ? [status.status, status.sub_state].filter(Boolean).join(' / ') || 'UNKNOWN' : 'NOT_IN_WAREHOUSE';
  } catch (err) {
    notices.push(`GOMS status unavailable (${(err as Error).message}); recorded as UNKNOWN.`);
    return 'UNKNOWN';
  }
}

/** Posts to Slack (or the outbox without a token), before the escalation is recorded. */
async function notifyTeam(facts: EscalationFacts, channel: string | undefined, env: NodeJS.ProcessEnv): Promise<Escalated['slack']> {
  try {
    // The outbox prints its copy on stderr: stdout may be the MCP protocol (stdio) or the terminal's output.
    const sink = openSlackSink(env, { out: process.stderr });
    const message = await renderEscalationMessage(facts);
    // An escalation of a demo order is demo data too: its title says so.
    await postReport(sink, isDemo(env) ? markDemo(message) : message, channel ? { channel } : {});
    return {
      posted: true,
      where: sink.kind === 'outbox' ? 'outbox (no SLACK_BOT_TOKEN)' : channel ? `Slack (${channel})` : 'Slack',
      error: null,
    };
  } catch (err) {
    return { posted: false, where: 'nowhere', error: (err as Error).message };
  }
}

/**
 * Escalates the caller's own open ticket: the team is notified first and the escalation recorded
 * second, so a ticket is never ESCALATED while its team was not told. One escalation per ticket.
 */
export async function escalateTicket(
  ctx: GatewayContext,
  caller: ToolCaller,
  me: FieldCaller,
  orderId: string,
  reason: string,
  env: NodeJS.ProcessEnv,
): Promise<Escalated> {
  const notices: string[] = [];
  const ticket = await ownOpenTicket(ctx, caller, me, orderId, 'escalate');
  const now = ctx.now();
  if (ticket.status === 'ESCALATED') {
    const last = (await me.store.listEscalations(new Date(ticket.assigned_at))).filter((e) => e.order_id === orderId).at(-1);
    const tz = ctx.config.settings.reports.time_zone;
    const when = last ? ` on ${shortTime(last.escalated_at, tz)} ${zoneLabel(tz)} ("${last.reason}")` : '';
    throw new ToolError(
      `order ${orderId} is already escalated${when}; follow up with the contact (ecm-field order ${orderId}) and resolve it when fixed`,
    );
  }
  // Read the matrix before writing anything: a broken ESCALATION.md should stop the escalation, not half-do it.
  const matrix = loadEscalationMatrix(ctx.config.sharedDir);
  const catalogue = ctx.config.reasons.get(ticket.diagnosis);
  const team = catalogue?.team ?? me.agent.team;
  const escalation = escalationRow(ticket, {
    by: me.agent.email,
    reason,
    orderStatus: await liveStatus(ctx, ticket.order_id, notices),
    at: now,
  });
  const target = escalationTarget(matrix, team, escalation.stuck_hours, catalogue?.escalation ?? null);
  // The team's channel, and the critical channel at the top of the ladder, as the message says (slack: in ecm.yaml).
  const { team_channels, critical_channel } = ctx.config.settings.slack;
  const critical = target.step !== null && target.step.level === matrix.ladder.at(-1)?.level;
  const channel = (critical ? critical_channel : null) ?? (team_channels as Record<string, string | undefined>)[team];
  const slack = await notifyTeam(
    { escalation, team, stuckReason: ticket.diagnosis, agentName: me.agent.name, target },
    channel ?? undefined,
    env,
  );
  if (!slack.posted) {
    throw new ToolError(
      `the team could not be notified (${slack.error}); nothing was recorded and ${orderId} stays ${ticket.status}. Run the same escalate again to retry, or tell the contact directly.`,
    );
  }
  try {
    await me.store.escalateTicket(escalation);
  } catch (err) {
    const cause = await storeRefusal(err);
    const message = errorText(cause);
    throw new ToolError(
      `the team was notified, but the escalation was not recorded: ${message}. Run the same escalate again to record it.`,
      cause instanceof ToolError ? cause.kind : 'failed',
    );
  }
  await updateDailyStats(ctx, me, notices);
  return { escalation, team, stuckReason: ticket.diagnosis, target, slack, notices };
}
