import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpToolClient } from './mcp-tool.js';

export interface GatewayConnection {
  readonly client: Client;
  /** Where the tools come from, safe to print. */
  readonly label: string;
  close(): Promise<void>;
}

/** The gateway package's in-process connector (`connectInProcess(deps)` of @ecm/gateway). */
export type ConnectInProcess = () => Promise<{ client: Client; close: () => Promise<void> }>;

/**
 * The MCP client the runtime takes its tools from: a remote gateway over Streamable HTTP when
 * ECM_GATEWAY_URL is set (with ECM_GATEWAY_TOKEN as its bearer token, which the gateway requires
 * on HTTP), else the in-process gateway.
 */
export async function connectGateway(opts: { env?: NodeJS.ProcessEnv; connectInProcess: ConnectInProcess }): Promise<GatewayConnection> {
  const env = opts.env ?? process.env;
  const url = env.ECM_GATEWAY_URL?.trim();
  if (!url) {
    const { client, close } = await opts.connectInProcess();
    return { client, label: 'in-process gateway', close };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`ECM_GATEWAY_URL is not a URL: ${url}`);
  }
  const token = gatewayToken(env);
  const client = new Client({ name: 'ecm-agent', version: '0.1.0' });
  await client.connect(
    new StreamableHTTPClientTransport(parsed, token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined),
  );
  return { client, label: `gateway at ${parsed.origin}${parsed.pathname}`, close: () => client.close() };
}

/**
 * The token this client presents. ECM_GATEWAY_TOKEN may list several entries for the gateway's side
 * (separated by commas or whitespace, each TOKEN or AGENT_EMAIL:TOKEN, as the gateway reads it); a
 * client presents the first entry's token.
 */
export function gatewayToken(env: NodeJS.ProcessEnv): string | null {
  const first = (env.ECM_GATEWAY_TOKEN ?? '').split(/[\s,]+/).find(Boolean);
  if (!first) return null;
  const m = /^[^\s:@]+@[^\s:@]+:(.+)$/.exec(first);
  return m ? m[1]! : first;
}

/** The connection's client as the runtime's tool source (the SDK's Client fits McpToolClient). */
export const toolClientOf = (connection: Pick<GatewayConnection, 'client'>): McpToolClient => connection.client;
