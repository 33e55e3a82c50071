import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { GatewayContext } from './gateway-context.js';
import type { GatewayDeps } from './gateway-deps.js';
import { registerSkillPrompts } from './prompts/skill-prompts.js';
import { registerEcmResources } from './resources/ecm-resources.js';
import type { ToolCaller } from './tools/define-tool.js';
import { GATEWAY_TOOLS } from './tools/registry.js';

export const GATEWAY_NAME = 'ecm-gateway';
export const GATEWAY_VERSION = '0.1.0';

export { GATEWAY_TOOLS };

const INSTRUCTIONS = [
  'ECM (exception case management) tools for stuck remittance orders.',
  'Start with ecm_backlog_summary or ecm_stuck_orders; ecm_order_details explains one order; runbook_get gives the steps for a stuck reason.',
  'warehouse_query runs one read-only SELECT; never invent order ids, counts or reasons: say "no data" when a tool returns none.',
  "Customer personal data is masked unless a person asked for one order's details.",
].join(' ');

/** One MCP server over the shared context, acting for one caller. Cheap: tools only hold references. */
export function buildServer(ctx: GatewayContext, caller: ToolCaller): McpServer {
  const server = new McpServer(
    { name: GATEWAY_NAME, version: GATEWAY_VERSION },
    { instructions: INSTRUCTIONS, capabilities: { tools: {} } },
  );
  for (const tool of GATEWAY_TOOLS) tool.register(server, ctx, caller);
  registerSkillPrompts(server, ctx);
  registerEcmResources(server, ctx);
  return server;
}

export interface GatewayServer {
  readonly server: McpServer;
  readonly context: GatewayContext;
  /** Closes the server and what the context opened for warehouse_query (not the warehouse or ticket store passed in). */
  close(): Promise<void>;
}

/** An MCP server with every ECM tool, ready to connect to a transport. */
export function createGatewayServer(deps: GatewayDeps, transport: ToolCaller['transport'] = 'in-process'): GatewayServer {
  const context = new GatewayContext(deps);
  const server = buildServer(context, { agentEmail: context.defaultAgent, transport });
  return {
    server,
    context,
    async close() {
      await server.close();
      await context.close();
    },
  };
}
