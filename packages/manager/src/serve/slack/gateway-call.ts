import type { Agent } from '@ecm/core/domain';
import type { InProcessGateway } from '@ecm/gateway';
import { z } from 'zod';
import type { TicketActionDeps } from './ticket-actions.js';

const callResult = z.looseObject({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).default([]),
  structuredContent: z.unknown().optional(),
  isError: z.boolean().optional(),
});

/**
 * The gateway's tools in this process, acting for the Slack user's agent. Personal data stays masked:
 * a Slack thread is read by more people than the one who asked.
 */
export async function openGatewayFor(d: TicketActionDeps, agent: Agent): Promise<InProcessGateway> {
  const { connectInProcess } = await import('@ecm/gateway');
  return connectInProcess(
    {
      config: d.config,
      warehouse: d.warehouse,
      tickets: d.tickets,
      agentEmail: agent.email,
      allowPii: false,
      audit: d.state,
      program: 'ecm-manager serve',
      asOf: d.now,
      now: d.now,
    },
    'ecm-slack',
  );
}

/** A tool's structured result, or the tool's own words for why it failed (e.g. an unknown order id). */
export async function callGatewayTool<T>(
  gateway: InProcessGateway,
  name: string,
  args: Record<string, unknown>,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  const result = callResult.parse(await gateway.client.callTool({ name, arguments: args }));
  const text = result.content
    .map((c) => c.text ?? '')
    .join('\n')
    .trim();
  if (result.isError) return { ok: false, message: text || `${name} failed` };
  const parsed = schema.safeParse(result.structuredContent);
  if (!parsed.success) return { ok: false, message: `${name} returned an unexpected result` };
  return { ok: true, value: parsed.data };
}
