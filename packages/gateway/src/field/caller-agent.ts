import type { Agent, TicketStore } from '@ecm/core/domain';
import type { GatewayContext } from '../gateway-context.js';
import type { ToolCaller } from '../tools/define-tool.js';
import { ToolError } from '../tools/tool-error.js';
import { TicketRuleError } from '@ecm/core/domain';

/** The calling agent's roster entry and the ticket store: what every field tool starts from. */
export interface FieldCaller {
  readonly agent: Agent;
  readonly store: TicketStore;
}

/**
 * The agent this connection acts for — the HTTP token's subject, or the agent the in-process
 * terminal checked — if it is an active agent in the Agents tab. Nobody else's identity can be named.
 */
export async function callerAgent(ctx: GatewayContext, caller: ToolCaller): Promise<FieldCaller> {
  const email = caller.agentEmail?.trim().toLowerCase();
  if (!email) {
    throw new ToolError(
      caller.transport === 'http'
        ? 'This token names no agent, so it cannot act on a queue; ask your lead for a personal token (ecm-gateway tokens issue --agent EMAIL).'
        : 'No agent identity is configured for this connection, so it cannot act on a queue.',
      'not_allowed',
    );
  }
  const store = await ctx.tickets();
  const agent = (await store.listAgents()).find((a) => a.email.toLowerCase() === email);
  if (!agent)
    throw new ToolError(
      `${email} is not an agent in ${store.label}; ask your lead to add you (ecm-manager agents add ${email} --name "Your Name" --team Ops|KYC_ops|VDA_ops).`,
      'not_allowed',
    );
  if (!agent.active)
    throw new ToolError(
      `${agent.email} is inactive in the Agents tab, so it holds no queue; ask your lead to re-activate it.`,
      'not_allowed',
    );
  return { agent, store };
}

/** A store refusal (TicketRuleError: not the assignee, already resolved, …) as the tool's refusal. */
export async function storeRefusal(err: unknown): Promise<unknown> {
  if (!(err instanceof TicketRuleError)) return err;
  const kind = err.code === 'not_assignee' || err.code === 'unknown_agent' || err.code === 'inactive_agent' ? 'not_allowed' : 'failed';
  return new ToolError(err.message, kind);
}

/** Runs a store write; its rule refusals become tool refusals with the store's own words. */
export async function storeWrite<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw await storeRefusal(err);
  }
}
