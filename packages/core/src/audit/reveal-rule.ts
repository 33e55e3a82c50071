import type { TicketStatus } from '../config/schema.js';
import type { TicketStore } from '../tickets/ticket-store.js';

/**
 * Who may see one order's customer unmasked (§12): the assignee of an open ticket on that order, or
 * an active supervisor. Everyone else — another agent, anyone on an order nobody holds, the assignee
 * once the ticket is closed — sees the masked values.
 */
export type RevealDecision =
  | { readonly allowed: true; readonly basis: 'assignee' | 'supervisor' }
  | { readonly allowed: false; readonly reason: string };

export async function decidePiiReveal(
  tickets: TicketStore,
  openStatuses: readonly TicketStatus[],
  agentEmail: string | null,
  orderId: string,
): Promise<RevealDecision> {
  const email = agentEmail?.trim().toLowerCase();
  if (!email) return { allowed: false, reason: 'no agent is known for this connection' };
  const agent = (await tickets.listAgents()).find((a) => a.email.toLowerCase() === email);
  if (!agent) return { allowed: false, reason: `${email} is not an agent in the Agents tab` };
  if (!agent.active) return { allowed: false, reason: `${email} is not an active agent` };
  if (agent.role === 'supervisor') return { allowed: true, basis: 'supervisor' };
  const ticket = await tickets.getTicket(orderId);
  if (!ticket)
    return { allowed: false, reason: `order ${orderId} has no ticket; only its assignee or a supervisor may reveal personal data` };
  if (ticket.agent_email.toLowerCase() !== email) {
    return {
      allowed: false,
      reason: `order ${orderId} is assigned to someone else; only its assignee or a supervisor may reveal personal data`,
    };
  }
  if (!openStatuses.includes(ticket.status)) {
    return {
      allowed: false,
      reason: `your ticket on order ${orderId} is ${ticket.status}; personal data is revealed only while it is open`,
    };
  }
  return { allowed: true, basis: 'assignee' };
}
