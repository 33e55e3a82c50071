import { CliError, EXIT } from '../exit-codes.js';
import type { ToolClient } from '../gateway/field-gateway.js';
import type { ClaimedIdentity } from '../identity/agent-identity.js';
import type { GatewayDeps, InProcessGateway } from '@ecm/gateway';
import type { FieldSession } from './field-session.js';

/**
 * How this terminal reaches the gateway's tools: over HTTP with the agent's personal token (no
 * database credentials on this machine), or, with nothing configured, the embedded single-user demo
 * with the gateway in this process. Every command calls the same tools either way.
 */
export interface FieldConnection {
  readonly client: ToolClient;
  readonly mode: 'gateway' | 'embedded';
  /** Embedded only: who the user said they are, and where from. Through the gateway the token says. */
  readonly identity: ClaimedIdentity | null;
  /** Where the tools are, for messages: the gateway's URL or "the embedded demo". */
  readonly where: string;
}

export interface ConnectOptions {
  readonly command: string;
  /** `--agent`: the embedded mode's identity; refused through the gateway. */
  readonly agentFlag: string | undefined;
  /** `--as-of` (embedded: the clock of ticket changes too). */
  readonly now: Date;
  /** Let ecm_order_details reveal this order's customer (the gateway decides and records it). */
  readonly allowPii?: boolean;
  /** Embedded: the command reads the warehouse, so open it while the state store opens (default lazy). */
  readonly warehouse?: 'eager' | 'lazy';
}

export interface GatewayTarget {
  readonly url: URL;
  readonly token: string;
}

/** ECM_GATEWAY_URL and ECM_GATEWAY_TOKEN, checked; null when no gateway is configured (embedded mode). */
export function gatewayTarget(env: NodeJS.ProcessEnv = process.env): GatewayTarget | null {
  const raw = env.ECM_GATEWAY_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(
      `ECM_GATEWAY_URL "${raw.slice(0, 200)}" is not a URL; use the gateway's MCP address, e.g. https://ecm-gateway.example.com/mcp`,
      EXIT.config,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CliError(`ECM_GATEWAY_URL must be an http(s) URL, not ${url.protocol}`, EXIT.config);
  // Read as the agent runtime reads it: the first entry, without an AGENT_EMAIL: prefix (a shared .env may list the gateway's side).
  const first = (env.ECM_GATEWAY_TOKEN ?? '').split(/[\s,]+/).find(Boolean);
  const token = first ? (/^[^\s:@]+@[^\s:@]+:(.+)$/.exec(first)?.[1] ?? first) : undefined;
  if (!token) {
    throw new CliError(
      'ECM_GATEWAY_URL is set but ECM_GATEWAY_TOKEN is not: put your personal token there (your lead issues it: ecm-gateway tokens issue --agent YOUR_EMAIL)',
      EXIT.config,
    );
  }
  return { url, token };
}

/** Runs `fn` with the gateway's tools, then closes the connection (and, embedded, the stores), whatever happens. */
export async function withFieldTools<T>(options: ConnectOptions, fn: (c: FieldConnection) => Promise<T>): Promise<T> {
  const target = gatewayTarget();
  if (target) {
    if (options.agentFlag !== undefined) {
      throw new CliError(
        '--agent is only for the embedded single-user mode: through the gateway (ECM_GATEWAY_URL) you act as the agent your token (ECM_GATEWAY_TOKEN) was issued to. Drop --agent.',
        EXIT.config,
      );
    }
    const { connectGateway } = await import('../gateway/http-client.js');
    return connectGateway(target, fn);
  }
  return withEmbeddedTools(options, fn);
}

async function withEmbeddedTools<T>(options: ConnectOptions, fn: (c: FieldConnection) => Promise<T>): Promise<T> {
  const { claimIdentity } = await import('../identity/agent-identity.js');
  const identity = await claimIdentity(options.agentFlag);
  const { withSession } = await import('./field-session.js');
  return withSession({ command: options.command, identity, now: options.now, warehouse: options.warehouse ?? 'lazy' }, async (s) => {
    // The same tools, checks and answers as through the gateway, called directly: a command needs no
    // protocol in this process, and starts without loading the MCP SDK.
    const { openDirectTools } = await import('@ecm/gateway/direct');
    const tools = openDirectTools(gatewayDeps(s, { allowPii: Boolean(options.allowPii) }));
    try {
      return await fn({ client: tools, mode: 'embedded', identity, where: 'the embedded demo' });
    } finally {
      await tools.close();
    }
  });
}

/** The gateway's tools in this process over an open session, through an MCP client (the agent runtime lists and calls them). */
export async function openInProcessGateway(s: FieldSession, options: { allowPii: boolean }): Promise<InProcessGateway> {
  const { connectInProcess } = await import('@ecm/gateway');
  return connectInProcess(gatewayDeps(s, options), 'ecm-field');
}

/** What the gateway's tools act on in this process: the session's stores, for its (roster-checked) agent. */
function gatewayDeps(s: FieldSession, options: { allowPii: boolean }): GatewayDeps {
  return {
    config: s.config,
    warehouse: () => s.warehouse(),
    tickets: s.tickets,
    // The roster confirmed this agent; the tools act for it alone, as they act for a token's subject.
    agentEmail: s.agent.email,
    allowPii: options.allowPii,
    // The gateway decides who may see a customer unmasked and records it in this state store.
    audit: s.state,
    program: 'ecm-field',
    asOf: () => s.now,
    now: () => s.now,
  };
}
