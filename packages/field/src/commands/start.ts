import { parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { callField } from '../gateway/field-tools.js';
import { withFieldTools } from '../session/field-connection.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';

/** `ecm-field start ORDER`: the agent picks the ticket up (OPEN → IN_PROGRESS), so the lead sees who is on it. */
export async function startCommand(orderIdArg: string, options: AgentOptions): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  const { ticket } = await withFieldTools({ command: 'start', agentFlag: options.agent, now }, (c) =>
    callField(c.client, 'field_start', { order_id: orderId }),
  );
  if (options.json) printJson({ ticket });
  else process.stdout.write(`${orderId} is IN_PROGRESS with you. When done: ecm-field resolve ${orderId} --notes "…"\n`);
  return EXIT.ok;
}

/** `ecm-field reopen ORDER --reason …`: a resolved (or escalated) ticket of yours is open again, with a new SLA clock. */
export async function reopenCommand(orderIdArg: string, options: AgentOptions & { reason?: string }): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const reason = options.reason?.trim();
  if (!reason) throw new CliError('reopening needs a reason: what shows the order is not fixed (--reason "…")', EXIT.config);
  const now = parseAsOf(options.asOf);
  const { ticket } = await withFieldTools({ command: 'reopen', agentFlag: options.agent, now }, (c) =>
    callField(c.client, 'field_reopen', { order_id: orderId, reason }),
  );
  if (options.json) printJson({ ticket });
  else
    process.stdout.write(`${orderId} is OPEN again with you; its SLA clock restarted now. Recorded in the ticket history: "${reason}".\n`);
  return EXIT.ok;
}
