import { HOUR_MS, slaHoursFor, TicketRuleError, type Ticket } from '@ecm/core/domain';
import { ticketOutput as fieldTicketOutput } from '../field/field-schemas.js';
import { z } from 'zod';
import type { GatewayContext } from '../gateway-context.js';
import type { ToolCaller } from './define-tool.js';
import { ToolError } from './tool-error.js';
import { errorText } from '@ecm/core/text';

export const email = z
  .string()
  .min(3)
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'an email address');
const round1 = (n: number) => Math.round(n * 10) / 10;

export const ticketOutput = fieldTicketOutput.extend({
  // Looser than the field shape: these tools answer for whatever priority the ticket store holds.
  priority: z.string(),
  /** The reason's SLA (a reason no longer in the catalogue: assignment.default_sla_hours). */
  sla_hours: z.number(),
  /** SLA clock from assignment (§14): negative once breached. */
  sla_remaining_hours: z.number(),
});

export function withSla(ctx: GatewayContext, t: Ticket, now: Date): z.input<typeof ticketOutput> {
  const slaHours = slaHoursFor(ctx.config, t.diagnosis);
  const since = (now.getTime() - new Date(t.assigned_at).getTime()) / HOUR_MS;
  return { ...t, sla_hours: slaHours, sla_remaining_hours: round1(slaHours - since) };
}

/** Ticket writes go to the ticket store only; its kind decides whether they leave this system. */
export const ticketAnnotations = (readOnly: boolean) => (ctx: GatewayContext) => ({
  readOnlyHint: readOnly,
  destructiveHint: !readOnly,
  idempotentHint: readOnly,
  openWorldHint: ctx.ticketStoreKind === 'sheets',
});

export function requireAgent(caller: ToolCaller): string {
  if (!caller.agentEmail) {
    throw new ToolError(
      caller.transport === 'http'
        ? 'This token names no agent, so it cannot change tickets; give the token a subject (agent@example.com:TOKEN in ECM_GATEWAY_TOKEN).'
        : 'No agent identity is configured for this gateway (ecm-gateway --agent EMAIL or ECM_AGENT_EMAIL), so it cannot change tickets.',
    );
  }
  return caller.agentEmail;
}

/** A ticket store call whose failure is the caller's answer, not a crash. */
export async function storeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TicketRuleError || (err as { name?: unknown }).name === 'TicketRuleError')
      throw new ToolError(`The ticket was not changed: ${(err as Error).message}.`);
    throw new ToolError(`The ticket store failed: ${errorText(err)}`);
  }
}
