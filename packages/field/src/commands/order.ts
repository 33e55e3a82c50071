import { slaHoursFor } from '@ecm/core/domain';
import { notice, parseAsOf } from '../context.js';
import { escalationTarget, EscalationMatrixError, loadEscalationMatrix, type EscalationTarget } from '../content/escalation-matrix.js';
import { runbookParts } from '../content/runbook-sections.js';
import { CliError, EXIT } from '../exit-codes.js';
import { callTool, openFieldGateway, ToolFailure } from '../gateway/field-gateway.js';
import { orderDetailsSchema, runbookSchema, type OrderDetails } from '../gateway/order-details-schema.js';
import { claimIdentity } from '../identity/agent-identity.js';
import { renderOrder } from '../render/order-view.js';
import { styleFor } from '../render/style.js';
import { withSession } from '../session/field-session.js';
import { slaClock } from '../tickets/sla-clock.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';

export async function orderCommand(orderIdArg: string, options: AgentOptions & { revealPii?: boolean }): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  const identity = await claimIdentity(options.agent);
  const revealPii = Boolean(options.revealPii);
  return withSession({ command: 'order', identity, now, warehouse: 'lazy' }, async (s) => {
    const gateway = await openFieldGateway(s, { allowPii: revealPii });
    let details: OrderDetails;
    let runbook: ReturnType<typeof runbookParts> | null = null;
    try {
      details = await callTool(gateway.client, 'ecm_order_details', { order_id: orderId, reveal_pii: revealPii }, orderDetailsSchema);
      if (details.diagnosis) {
        const rb = await callTool(gateway.client, 'runbook_get', { name: details.diagnosis.stuck_reason }, runbookSchema).catch((err: unknown) => {
          if (err instanceof ToolFailure) return null; // the diagnosis still shows; the steps say why they are missing
          throw err;
        });
        runbook = rb ? runbookParts(rb.content) : null;
      }
    } catch (err) {
      if (err instanceof ToolFailure) throw new CliError(`order ${orderId}: ${err.message}`, EXIT.failed);
      throw err;
    } finally {
      await gateway.close();
    }
    if (revealPii && details.reveal_refused) {
      throw new CliError(`order ${orderId}: not allowed to reveal personal data: ${details.reveal_refused}`, EXIT.notAllowed);
    }
    const ticket = await s.tickets.getTicket(orderId);
    const sla = ticket ? slaClock(new Date(ticket.assigned_at), slaHoursFor(s.config, ticket.diagnosis), now) : null;
    let escalation: EscalationTarget | null = null;
    if (details.diagnosis) {
      try {
        escalation = escalationTarget(loadEscalationMatrix(s.config.sharedDir), details.diagnosis.team, details.order.hours, details.diagnosis.escalation);
      } catch (err) {
        if (!(err instanceof EscalationMatrixError)) throw err;
        notice(`No escalation contact: ${err.message}`);
      }
    }
    if (details.diagnosis && !runbook) details.warnings.push(`No runbook found for ${details.diagnosis.stuck_reason} (${details.diagnosis.runbook}); follow the action on the ticket and escalate.`);

    const { loadChecklist, renderChecklist } = await import('../proposals/fix-checklist.js');
    const checklist = await loadChecklist(s.state, [orderId]);
    if (options.json) {
      printJson({
        checklist,
        order: details,
        ticket: ticket ? { ...ticket, yours: ticket.agent_email === s.agent.email, sla } : null,
        runbook: runbook ? { title: runbook.title, what_is_wrong: runbook.whatIsWrong, steps: runbook.steps, escalate: runbook.escalate, verify: runbook.verify } : null,
        escalation,
      });
      return EXIT.ok;
    }
    const view = { details, ticket, sla, agentEmail: s.agent.email, runbook, escalation };
    process.stdout.write(`${renderOrder(view, s.config.settings.reports.time_zone, styleFor(process.stdout))}\n`);
    if (checklist.length) process.stdout.write(`\n${renderChecklist(checklist)}\n`);
    return EXIT.ok;
  });
}
