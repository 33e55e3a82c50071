import type { Escalation } from '@ecm/core/domain';
import type { SlackMessage } from '@ecm/core/slack';
import type { EscalationTarget } from '@ecm/core/domain';
import { md, section, context } from '@ecm/core/slack';

export interface EscalationFacts {
  readonly escalation: Escalation;
  readonly team: string;
  readonly stuckReason: string;
  readonly agentName: string;
  readonly target: EscalationTarget;
}

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * The team's Slack notification of an escalation. No customer data (§12): the order is named by its
 * id only. Every value from data goes through `md`, so a reason typed by an agent cannot ping or link.
 */
export async function renderEscalationMessage(f: EscalationFacts): Promise<SlackMessage> {
  const e = f.escalation;
  const level = f.target.step ? `${f.target.step.level} (${f.target.step.hours} h: ${f.target.step.meaning})` : 'below the 16 h ladder';
  const title = md`:arrow_up: *ECM Escalation* — ${e.order_id} (${f.team})`;
  const contact = f.target.contact
    ? md`${f.target.contact.role} ${f.target.contact.contact} ${f.target.contact.slack}`
    : 'no team contact in the matrix';
  const specialist = f.target.specialist ? md`${f.target.specialist.role} (${f.target.specialist.contact})` : null;
  const body = [
    md`*${e.order_id}* · ${f.stuckReason} · ${e.priority} · ${e.currency} ${money.format(e.amount)} · ${e.stuck_hours} h old · GOMS ${e.order_status}`,
    md`*Why:* ${e.reason}`,
    `*Ladder:* ${md`${level}`} · *Contact:* ${contact}${specialist ? ` · *For this reason:* ${specialist}` : ''}`,
  ].join('\n');
  return {
    title,
    text: `${title}\n${body}`,
    blocks: [section(title), section(body), context(md`Escalated by ${f.agentName} (${e.escalated_by}) · ticket held by ${e.assigned_to}`)],
    thread: [],
  };
}
