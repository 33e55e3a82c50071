import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway } from '../../agent/src/tools/gateway-connection.js';
import { gatewayEnv, repoRoot, startHttpGatewayProcess, type HttpGatewayProcess } from './__fixtures__/gateway-process.js';

const AGENT = 'dana.ops@example.com';
const TOKEN = 'dana-token-0123456789abcdef0123';

let home: string;
beforeAll(async () => {
  // No warehouse is needed: listing tools never opens one.
  // dist/ is built by the global setup.
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-gateway-clients-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('our own MCP HTTP client (ECM_GATEWAY_URL) against the token-protected gateway', () => {
  let gw: HttpGatewayProcess;
  beforeAll(async () => {
    gw = await startHttpGatewayProcess([], gatewayEnv(home, { ECM_GATEWAY_TOKEN: `${AGENT}:${TOKEN}` }));
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
  });

  const noInProcess = async () => {
    throw new Error('the in-process gateway must not be used when ECM_GATEWAY_URL is set');
  };

  it('presents ECM_GATEWAY_TOKEN (the same variable as the gateway, AGENT:TOKEN form) and gets the tools', async () => {
    const connection = await connectGateway({
      env: { ECM_GATEWAY_URL: gw.url, ECM_GATEWAY_TOKEN: `${AGENT}:${TOKEN}` },
      connectInProcess: noInProcess,
    });
    try {
      const { tools } = await connection.client.listTools();
      expect(tools.map((t) => t.name)).toContain('ecm_stuck_orders');
    } finally {
      await connection.close();
    }
  });

  it('without the token the gateway refuses it', async () => {
    await expect(connectGateway({ env: { ECM_GATEWAY_URL: gw.url }, connectInProcess: noInProcess })).rejects.toThrow(/invalid_token|401/);
  });
});

describe('.mcp.json', () => {
  const mcp = JSON.parse(readFileSync(path.join(repoRoot, '.mcp.json'), 'utf8')) as {
    mcpServers: Record<string, { type: string; command: string; args: string[] }>;
  };

  it('registers the server as ecm-gateway', () => {
    expect(Object.keys(mcp.mcpServers)).toEqual(['ecm-gateway']);
  });

  it('starts from a subdirectory of the repository, as Claude Code does when opened there', async () => {
    const server = mcp.mcpServers['ecm-gateway']!;
    const transport = new StdioClientTransport({
      command: server.command,
      args: server.args,
      cwd: path.join(repoRoot, 'packages', 'core', 'src'),
      env: gatewayEnv(home),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'ecm-test', version: '0.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('ecm_order_details');
    } finally {
      await client.close();
    }
  }, 60_000);
});
