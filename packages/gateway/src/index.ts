import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { GatewayDeps } from './gateway-deps.js';
import { createGatewayServer, GATEWAY_VERSION } from './server.js';

export type { GatewayDeps, GatewayLog, QuerySettings } from './gateway-deps.js';
export { GatewayContext } from './gateway-context.js';
export { createGatewayServer, GATEWAY_NAME, GATEWAY_TOOLS, GATEWAY_VERSION, type GatewayServer } from './server.js';
export { checkReadOnlySql, type GuardVerdict } from './sql/read-only-guard.js';
// The order details' shape is the domain's (@ecm/core); re-exported for clients of the tool.
export { orderDetailsSchema, type OrderDetails } from '@ecm/core/domain';
export { runbookSchema } from './tools/runbook-get.js';

export interface InProcessGateway {
  readonly client: Client;
  close(): Promise<void>;
}

/**
 * The gateway's tools for our own CLIs, without a second process: an MCP client linked to a
 * server in this process by the SDK's in-memory transport.
 */
export async function connectInProcess(deps: GatewayDeps, clientName = 'ecm-in-process'): Promise<InProcessGateway> {
  const gateway = createGatewayServer(deps, 'in-process');
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: clientName, version: GATEWAY_VERSION });
  await gateway.server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    async close() {
      await client.close();
      await gateway.close();
    },
  };
}
export type { QueueEntry, TodayStats } from './field/my-queue.js';
export { FIELD_TOOLS } from './tools/field-tools.js';
