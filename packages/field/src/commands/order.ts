import { notice, parseAsOf } from '../context.js';
import { runbookParts } from '../content/runbook-sections.js';
import { CliError, EXIT } from '../exit-codes.js';
import { callTool, ToolFailure } from '../gateway/field-gateway.js';
import { callField } from '../gateway/field-tools.js';
import { orderDetailsSchema, runbookSchema, type OrderDetails } from '../gateway/order-details-schema.js';
import { renderOrder } from '../render/order-view.js';
import { styleFor } from '../render/style.js';
import { withFieldTools } from '../session/field-connection.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';

export async function orderCommand(orderIdArg: string, options: AgentOptions & { revealPii?: boolean }): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  const revealPii = Boolean(options.revealPii);
  const { details, runbook, context } = await withFieldTools(
    { command: 'order', agentFlag: options.agent, now, allowPii: revealPii },
    async (c) => {
      let details: OrderDetails;
      let runbook: ReturnType<typeof runbookParts> | null = null;
      try {
        details = await callTool(c.client, 'ecm_order_details', { order_id: orderId, reveal_pii: revealPii }, orderDetailsSchema);
        if (details.diagnosis) {
          const rb = await callTool(c.client, 'runbook_get', { name: details.diagnosis.stuck_reason }, runbookSchema).catch(
            (err: unknown) => {
              if (err instanceof ToolFailure) return null; // the diagnosis still shows; the steps say why they are missing
              throw err;
            },
          );
          runbook = rb ? runbookParts(rb.content) : null;
        }
      } catch (err) {
        if (err instanceof ToolFailure) throw new CliError(`order ${orderId}: ${err.message}`, EXIT.failed);
        throw err;
      }
      const g = details.diagnosis;
      const context = await callField(c.client, 'field_order_context', {
        order_id: orderId,
        ...(g ? { diagnosis: { team: g.team, hours: details.order.hours, escalation: g.escalation } } : {}),
      });
      return { details, runbook, context };
    },
  );
  if (revealPii && details.reveal_refused) {
    throw new CliError(`order ${orderId}: not allowed to reveal personal data: ${details.reveal_refused}`, EXIT.notAllowed);
  }
  if (context.escalation_problem) notice(`No escalation contact: ${context.escalation_problem}`);
  if (details.diagnosis && !runbook)
    details.warnings.push(
      `No runbook found for ${details.diagnosis.stuck_reason} (${details.diagnosis.runbook}); follow the action on the ticket and escalate.`,
    );
  const { checklist, escalation, ticket: withSla } = context;
  const ticket = withSla ? (({ yours: _y, sla: _s, ...t }) => t)(withSla) : null;
  const sla = withSla?.sla ?? null;
  if (options.json) {
    printJson({
      checklist,
      order: details,
      ticket: withSla,
      runbook: runbook
        ? {
            title: runbook.title,
            what_is_wrong: runbook.whatIsWrong,
            steps: runbook.steps,
            escalate: runbook.escalate,
            verify: runbook.verify,
          }
        : null,
      escalation,
    });
    return EXIT.ok;
  }
  const view = { details, ticket, sla, yours: withSla?.yours ?? false, runbook, escalation };
  process.stdout.write(`${renderOrder(view, context.time_zone, styleFor(process.stdout))}\n`);
  if (checklist.length) {
    const { renderChecklist } = await import('../render/checklist.js');
    process.stdout.write(`\n${renderChecklist(checklist)}\n`);
  }
  return EXIT.ok;
}
