// @ecm/gateway/direct — the gateway's tools for a CLI in this process, without MCP in between: the
// embedded ecm-field calls the same tools with the same checks and results as through the gateway,
// and starts without loading the MCP SDK (about a fifth of its start-up).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GatewayContext } from './gateway-context.js';
import type { GatewayDeps } from './gateway-deps.js';
import { GATEWAY_TOOLS } from './tools/registry.js';

export interface DirectTools {
  /** Calls one tool as the deps' agent; the answer an MCP client would receive for the same call. */
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<CallToolResult>;
  /** Closes what the tools opened (not the warehouse or ticket store passed in). */
  close(): Promise<void>;
}

export function openDirectTools(deps: GatewayDeps): DirectTools {
  const context = new GatewayContext(deps);
  const caller = { agentEmail: context.defaultAgent, transport: 'in-process' } as const;
  const tools = new Map(GATEWAY_TOOLS.map((t) => [t.name, t]));
  return {
    async callTool({ name, arguments: args }) {
      const tool = tools.get(name);
      if (!tool) return { isError: true, content: [{ type: 'text', text: `Tool ${name} not found` }] };
      return tool.call(context, caller, args);
    },
    close: () => context.close(),
  };
}
