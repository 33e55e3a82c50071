import type { FieldAnswer } from '@ecm/gateway/field-schemas';
import { notice, parseAsOf } from '../context.js';
import { runbookParts, type RunbookParts } from '../content/runbook-sections.js';
import { CliError, EXIT } from '../exit-codes.js';
import { callTool, ToolFailure, type ToolClient } from '../gateway/field-gateway.js';
import { callField } from '../gateway/field-tools.js';
import { orderDetailsSchema, runbookSchema, type OrderDetails } from '../gateway/order-details-schema.js';
import { renderOrder } from '../render/order-view.js';
import { styleFor } from '../render/style.js';
import { withFieldTools } from '../session/field-connection.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';

/** What the order view shows: the order and its diagnosis, the diagnosis's runbook, and the agent's ticket and contacts. */
interface OrderView {
  readonly details: OrderDetails;
  readonly runbook: RunbookParts | null;
  readonly context: FieldAnswer<'field_order_context'>;
}

export async function orderCommand(orderIdArg: string, options: AgentOptions & { revealPii?: boolean }): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  const revealPii = Boolean(options.revealPii);
  const view = await withFieldTools({ command: 'order', agentFlag: options.agent, now, allowPii: revealPii, warehouse: 'eager' }, (c) =>
    fetchOrderView(c.client, orderId, revealPii),
  );
  const { details, runbook, context } = view;
  if (revealPii && details.reveal_refused) {
    throw new CliError(`order ${orderId}: not allowed to reveal personal data: ${details.reveal_refused}`, EXIT.notAllowed);
  }
  if (context.escalation_problem) notice(`No escalation contact: ${context.escalation_problem}`);
  if (details.diagnosis && !runbook)
    details.warnings.push(
      `No runbook found for ${details.diagnosis.stuck_reason} (${details.diagnosis.runbook}); follow the action on the ticket and escalate.`,
    );
  if (options.json) printJson(orderJson(view));
  else await printOrder(view);
  return EXIT.ok;
}

/** The order with its runbook, then the ticket context (which needs the diagnosis's team and escalation). */
async function fetchOrderView(client: ToolClient, orderId: string, revealPii: boolean): Promise<OrderView> {
  let details: OrderDetails;
  let runbook: RunbookParts | null = null;
  try {
    details = await callTool(client, 'ecm_order_details', { order_id: orderId, reveal_pii: revealPii }, orderDetailsSchema);
    if (details.diagnosis) runbook = await fetchRunbook(client, details.diagnosis.stuck_reason);
  } catch (err) {
    if (err instanceof ToolFailure) throw new CliError(`order ${orderId}: ${err.message}`, EXIT.failed);
    throw err;
  }
  const g = details.diagnosis;
  const context = await callField(client, 'field_order_context', {
    order_id: orderId,
    ...(g ? { diagnosis: { team: g.team, hours: details.order.hours, escalation: g.escalation } } : {}),
  });
  return { details, runbook, context };
}

/** The stuck reason's runbook, or null when the gateway cannot give it. */
async function fetchRunbook(client: ToolClient, stuckReason: string): Promise<RunbookParts | null> {
  const rb = await callTool(client, 'runbook_get', { name: stuckReason }, runbookSchema).catch((err: unknown) => {
    if (err instanceof ToolFailure) return null; // the diagnosis still shows; the steps say why they are missing
    throw err;
  });
  return rb ? runbookParts(rb.content) : null;
}

/** `--json`: the ticket keeps its `yours` and `sla` fields, the runbook its sections in snake_case. */
function orderJson({ details, runbook, context }: OrderView): unknown {
  const { checklist, escalation, ticket } = context;
  return {
    checklist,
    order: details,
    ticket,
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
  };
}

/** The order view for a person, then the team's checklist when it has one. */
async function printOrder({ details, runbook, context }: OrderView): Promise<void> {
  const { checklist, escalation, ticket: withSla } = context;
  const ticket = withSla ? (({ yours: _y, sla: _s, ...t }) => t)(withSla) : null;
  const sla = withSla?.sla ?? null;
  const view = { details, ticket, sla, yours: withSla?.yours ?? false, runbook, escalation };
  process.stdout.write(`${renderOrder(view, context.time_zone, styleFor(process.stdout))}\n`);
  if (checklist.length) {
    const { renderChecklist } = await import('../render/checklist.js');
    process.stdout.write(`\n${renderChecklist(checklist)}\n`);
  }
}
