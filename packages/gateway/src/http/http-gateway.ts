import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { GatewayContext } from '../gateway-context.js';
import { buildServer, GATEWAY_NAME, GATEWAY_TOOLS, GATEWAY_VERSION } from '../server.js';
import type { GatewayTokens } from './gateway-tokens.js';

export interface HttpGatewayOptions {
  readonly host: string;
  readonly port: number;
  /** Null only on a loopback host: then requests act for the context's configured agent. */
  readonly tokens: GatewayTokens | null;
  /** Host header names to accept besides the loopback ones (DNS-rebinding protection). */
  readonly allowedHosts?: readonly string[];
  /** Served on GET /metrics for Prometheus (aggregates only, no token, like /health). */
  readonly metrics?: { readonly contentType: string; render(): Promise<string> } | undefined;
}

export interface HttpGateway {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1', '[::1]'];
const WILDCARD_HOSTS = ['0.0.0.0', '::', '[::]'];

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.includes(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

export class HttpStartError extends Error {}

/** The Host names DNS-rebinding protection accepts, or undefined for the SDK's loopback default. */
function allowedHostsFor(host: string, extra: readonly string[]): string[] | undefined {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (['127.0.0.1', 'localhost', '::1'].includes(host) && extra.length === 0) return undefined;
  if (WILDCARD_HOSTS.includes(host)) return extra.length ? [...extra] : undefined;
  return [...new Set([bracketed, ...(isLoopbackHost(host) ? ['localhost', '127.0.0.1', '[::1]'] : []), ...extra])];
}

const STATIC_TOKEN_LIFETIME_S = 24 * 3600;

/**
 * Streamable HTTP, stateless: every POST /mcp gets its own MCP server and transport over the shared
 * context, acting for the token's subject. The app comes from the SDK's helper, so the Host header is
 * checked before anything else (DNS-rebinding protection); GET /health answers without a token.
 */
export async function startHttpGateway(ctx: GatewayContext, options: HttpGatewayOptions): Promise<HttpGateway> {
  if (!options.tokens && !isLoopbackHost(options.host)) {
    throw new HttpStartError(
      `Refusing to listen on ${options.host} without ECM_GATEWAY_TOKEN: anyone who can reach the port could query the warehouse. Set ECM_GATEWAY_TOKEN or use --host 127.0.0.1.`,
    );
  }
  const allowedHosts = allowedHostsFor(options.host, options.allowedHosts ?? []);
  const app = createMcpExpressApp({ host: options.host, ...(allowedHosts ? { allowedHosts } : {}) });
  const started = Date.now();

  app.get('/health', (_req: Request, res: Response) => {
    res.json({ status: 'ok', name: GATEWAY_NAME, version: GATEWAY_VERSION, tools: GATEWAY_TOOLS.length, uptime_s: Math.round((Date.now() - started) / 1000) });
  });

  const metrics = options.metrics;
  if (metrics) {
    app.get('/metrics', async (_req: Request, res: Response) => {
      try {
        res.type(metrics.contentType).send(await metrics.render());
      } catch (err) {
        ctx.log.error({ error: err instanceof Error ? err.message : String(err) }, 'metrics unavailable');
        res.status(503).type('text/plain').send('metrics unavailable: the execution log could not be read\n');
      }
    });
  }

  const tokens = options.tokens;
  if (tokens) {
    app.use(
      '/mcp',
      requireBearerAuth({
        verifier: {
          async verifyAccessToken(token: string) {
            const match = tokens.verify(token);
            if (!match) throw new InvalidTokenError('Invalid bearer token');
            // Static tokens do not expire; the SDK's middleware wants an expiry, so each request gets a fresh one.
            return { token, clientId: match.subject ?? 'ecm-token', scopes: [], expiresAt: Math.floor(Date.now() / 1000) + STATIC_TOKEN_LIFETIME_S, extra: { subject: match.subject } };
          },
        },
      }),
    );
  }

  app.post('/mcp', async (req: Request, res: Response) => {
    const subject = tokens ? ((req.auth?.extra?.subject as string | null | undefined) ?? null) : ctx.defaultAgent;
    const server = buildServer(ctx, { agentEmail: subject, transport: 'http' });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      ctx.log.error({ error: err instanceof Error ? err.message : String(err) }, 'HTTP request failed');
      if (!res.headersSent) res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
    }
  });

  // Stateless: no server-initiated stream to resume and no session to delete.
  const notAllowed = (_req: Request, res: Response) => {
    res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless; use POST' }, id: null });
  };
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}/mcp`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
