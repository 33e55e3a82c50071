import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadsOf as recordLoads } from '../../core/src/__fixtures__/loads-of.js';

// The embedded ecm-field imports @ecm/gateway/direct on every command: what it loads is start-up time.
const GATEWAY = fileURLToPath(new URL('../', import.meta.url));
const NOT_FOR_A_COMMAND = {
  mcpSdk: '/@modelcontextprotocol/sdk/',
  ajv: '/ajv/',
  anthropic: '/@anthropic-ai/sdk/',
  promClient: '/prom-client/',
  openTelemetry: '/@opentelemetry/',
  agentRuntime: '/packages/agent/dist/loop/',
  pg: '/node_modules/pg/',
  pglite: '/@electric-sql/pglite/',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-direct-loads-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loadsOf = (specifier: string): string[] => recordLoads(GATEWAY, specifier, dir);

describe('@ecm/gateway/direct: every tool, without the MCP SDK or the agent runtime', () => {
  it('the recorder sees the MCP SDK through the package root (else the check below could not fail)', () => {
    expect(loadsOf('@ecm/gateway').some((u) => u.includes(NOT_FOR_A_COMMAND.mcpSdk))).toBe(true);
  });

  it('importing it loads no protocol, model client, metrics, tracing or database driver', () => {
    const loads = loadsOf('@ecm/gateway/direct');
    expect(loads.some((u) => u.endsWith('/packages/gateway/dist/direct-tools.js'))).toBe(true);
    for (const [name, marker] of Object.entries(NOT_FOR_A_COMMAND))
      expect(
        loads.filter((u) => u.includes(marker)),
        name,
      ).toEqual([]);
  });
});
