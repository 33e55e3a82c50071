import { decidePiiReveal } from '@ecm/core/domain';
import { recordPiiReveal } from '@ecm/core/stores';
import type { GatewayContext } from '../gateway-context.js';
import type { ToolCaller } from '../tools/define-tool.js';

/** The answer to "may this caller see this order's customer unmasked?"; when yes, already recorded. */
export type RevealOutcome = { readonly revealed: true } | { readonly revealed: false; readonly refusal: string };

/**
 * The one place personal data is unmasked, for every program (ecm-field's `order --reveal-pii`, an
 * MCP client over stdio or HTTP): the gateway must allow it at all (--allow-pii), the caller must
 * be the assignee of an open ticket on the order or a supervisor, and the reveal is recorded before
 * anything is shown — no record, no reveal.
 */
export async function revealPii(ctx: GatewayContext, caller: ToolCaller, orderId: string): Promise<RevealOutcome> {
  if (!ctx.allowPii) return { revealed: false, refusal: 'this gateway does not allow revealing personal data (start it with --allow-pii)' };
  if (!ctx.ticketStoreKind) return { revealed: false, refusal: 'this gateway has no ticket store to tell who holds the order' };
  const audit = await ctx.auditLog();
  if (!audit) return { revealed: false, refusal: 'this gateway has no state store to record the reveal in' };
  const tickets = await ctx.tickets();
  const decision = await decidePiiReveal(
    tickets,
    ctx.config.settings.assignment.open_statuses,
    caller.agentEmail ?? ctx.defaultAgent,
    orderId,
  );
  if (!decision.allowed) return { revealed: false, refusal: decision.reason };
  const agentEmail = (caller.agentEmail ?? ctx.defaultAgent ?? '').toLowerCase();
  const program = caller.transport === 'in-process' ? ctx.program : `${ctx.program}/${caller.transport}`;
  await recordPiiReveal(audit, {
    revealed_at: ctx.now().toISOString(),
    agent_email: agentEmail,
    order_id: orderId,
    program,
    basis: decision.basis,
  });
  ctx.log.info({ agent: agentEmail, order_id: orderId, program, basis: decision.basis }, 'personal data revealed');
  return { revealed: true };
}
