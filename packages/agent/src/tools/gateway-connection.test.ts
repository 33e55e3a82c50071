import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestGateway } from '../__fixtures__/test-gateway.js';
import { connectGateway } from './gateway-connection.js';
import { listMcpTools } from './mcp-tool.js';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A remote gateway: a stateless MCP server over Streamable HTTP on loopback. */
async function startHttpGateway(): Promise<string> {
  server = createServer(async (req, res) => {
    const mcp = new McpServer({ name: 'remote-gateway', version: '1.0.0' });
    mcp.registerTool(
      'runbook_get',
      { description: 'A runbook', inputSchema: { reason: z.string() }, annotations: { readOnlyHint: true } },
      async ({ reason }) => ({
        content: [{ type: 'text', text: `Runbook ${reason} over HTTP` }],
      }),
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

describe('connectGateway', () => {
  it('uses the remote gateway when ECM_GATEWAY_URL is set', async () => {
    const url = await startHttpGateway();
    let inProcessUsed = false;
    const connection = await connectGateway({
      env: { ECM_GATEWAY_URL: url },
      connectInProcess: async () => {
        inProcessUsed = true;
        throw new Error('not expected');
      },
    });
    try {
      expect(connection.label).toBe(`gateway at ${url}`);
      const tools = await listMcpTools(connection.client);
      expect(tools.map((t) => [t.name, t.readOnly])).toEqual([['runbook_get', true]]);
      const controller = new AbortController();
      expect(await tools[0]!.execute({ reason: 'refund_pending' }, { signal: controller.signal, timeoutMs: 5000 })).toEqual({
        ok: true,
        text: 'Runbook refund_pending over HTTP',
      });
      expect(inProcessUsed).toBe(false);
    } finally {
      await connection.close();
    }
  });

  it('uses the in-process gateway otherwise', async () => {
    const gateway = await startTestGateway();
    const connection = await connectGateway({ env: {}, connectInProcess: async () => ({ client: gateway.client, close: gateway.close }) });
    expect(connection.label).toBe('in-process gateway');
    const tools = await listMcpTools(connection.client);
    expect(tools.find((t) => t.name === 'assign_ticket')?.readOnly).toBe(false);
    expect(tools.find((t) => t.name === 'orders_lookup')?.readOnly).toBe(true);
    await connection.close();
  });

  it('names a bad ECM_GATEWAY_URL', async () => {
    await expect(
      connectGateway({ env: { ECM_GATEWAY_URL: 'not a url' }, connectInProcess: async () => Promise.reject(new Error('unused')) }),
    ).rejects.toThrow('ECM_GATEWAY_URL is not a URL: not a url');
  });
});
