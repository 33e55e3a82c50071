import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { GatewayContext } from '../gateway-context.js';
import { buildServer, GATEWAY_NAME, GATEWAY_TOOLS, GATEWAY_VERSION } from '../server.js';
import type { GatewayTokens } from './gateway-tokens.js';
import { errorText } from '@ecm/core/text';

export interface HttpGatewayOptions {
  readonly host: string;
  readonly port: number;
  /** Null only on a loopback host: then requests act for the context's configured agent. */
  readonly tokens: GatewayTokens | null;
  /**
   * Personal tokens issued with `ecm-gateway tokens issue`, checked in the state store on every
   * request (so a revocation counts at once). With them, a non-loopback host needs no ECM_GATEWAY_TOKEN.
   */
  readonly storedTokens?: StoredTokenCheck | null;
  /** Host header names to accept besides the loopback ones (DNS-rebinding protection). */
  readonly allowedHosts?: readonly string[];
  /** Served on GET /metrics for Prometheus (aggregates only, no token, like /health). */
  readonly metrics?: { readonly contentType: string; render(): Promise<string> } | undefined;
}

/** The state store's issued tokens, as far as a request's check goes. */
export interface StoredTokenCheck {
  verify(token: string): Promise<{ subject: string } | undefined>;
  /** Whether any unrevoked token exists: without one, a non-loopback gateway would let nobody in. */
  hasActive(): Promise<boolean>;
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
/** The largest request body read (express.json's default): one tool call with a 50,000-character statement fits. */
export const MAX_BODY_BYTES = 100 * 1024;

/** A JSON answer with no stack trace and no path, whatever went wrong. */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const rpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/**
 * Origins a browser page may call from: none but loopback pages and the configured host names
 * (MCP Streamable HTTP: a server must answer a foreign Origin with 403). No Origin (a non-browser
 * client) is fine.
 */
export function originAllowed(origin: string | undefined, allowedHosts: readonly string[]): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (isLoopbackHost(hostname)) return true;
  return allowedHosts.some((h) => h === url.host || h === url.hostname);
}

/** The bearer token's subject, or a reason to answer 401; `anonymous` when no token is needed and none was sent. */
type Authentication =
  | { readonly ok: true; readonly subject: string | null; readonly token: string }
  | { readonly ok: true; readonly anonymous: true }
  | { readonly ok: false; readonly description: string };

async function authenticate(req: IncomingMessage, auth: AuthOptions): Promise<Authentication> {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    if (header === undefined && !auth.required) return { ok: true, anonymous: true };
    return {
      ok: false,
      description: header === undefined ? 'Missing bearer token: send Authorization: Bearer <token>' : 'Invalid bearer token',
    };
  }
  const token = match[1]!;
  const fromEnv = auth.tokens?.verify(token);
  if (fromEnv) return { ok: true, subject: fromEnv.subject, token };
  // A token sent is always checked, even where none is required: a wrong one is never ignored.
  const stored = auth.stored ? await auth.stored.verify(token) : undefined;
  if (stored) return { ok: true, subject: stored.subject, token };
  return { ok: false, description: 'Invalid bearer token' };
}

interface AuthOptions {
  readonly tokens: GatewayTokens | null;
  readonly stored: StoredTokenCheck | null;
  /** Every /mcp request must carry a valid token (any token configured, or a non-loopback host). */
  readonly required: boolean;
}

/**
 * What runs before express reads anything: the Origin check, then, for /mcp, the bearer token and
 * the declared body size. An unauthenticated request is answered 401 before its body is parsed.
 * Returns false when it has answered the request itself.
 */
async function preflight(
  req: IncomingMessage,
  res: ServerResponse,
  auth: AuthOptions,
  allowedHosts: readonly string[],
  log: GatewayContext['log'],
): Promise<boolean> {
  const origin = req.headers.origin;
  if (!originAllowed(origin, allowedHosts)) {
    sendJson(
      res,
      403,
      rpcError(
        -32000,
        'Forbidden: requests from this Origin are not accepted; call the gateway from a non-browser client or a configured host.',
      ),
    );
    return false;
  }
  const path = (req.url ?? '/').split('?')[0]!;
  if (path !== '/mcp' && !path.startsWith('/mcp/')) return true;
  let verdict: Authentication;
  try {
    verdict = await authenticate(req, auth);
  } catch (err) {
    // The token store cannot be read: nobody is let in on a guess.
    log.error({ error: errorText(err) }, 'token check failed');
    sendJson(res, 503, rpcError(-32000, 'The gateway cannot check tokens right now (its state store is unavailable); try again shortly.'));
    return false;
  }
  if (!verdict.ok) {
    sendJson(
      res,
      401,
      { error: 'invalid_token', error_description: verdict.description },
      { 'www-authenticate': `Bearer error="invalid_token", error_description="${verdict.description}"` },
    );
    return false;
  }
  if (!('anonymous' in verdict)) {
    // Static tokens do not expire; the SDK wants an expiry, so each request gets a fresh one.
    (req as IncomingMessage & { auth?: AuthInfo }).auth = {
      token: verdict.token,
      clientId: verdict.subject ?? 'ecm-token',
      scopes: [],
      expiresAt: Math.floor(Date.now() / 1000) + STATIC_TOKEN_LIFETIME_S,
      extra: { subject: verdict.subject },
    };
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    sendJson(res, 413, rpcError(-32600, `Request body too large: at most ${MAX_BODY_BYTES / 1024} KiB.`), { connection: 'close' });
    return false;
  }
  return true;
}

type GatewayApp = ReturnType<typeof createMcpExpressApp>;

/**
 * Streamable HTTP, stateless: every POST /mcp gets its own MCP server and transport over the shared
 * context, acting for the token's subject. The app comes from the SDK's helper, so the Host header is
 * checked before anything else (DNS-rebinding protection); GET /health answers without a token.
 */
export async function startHttpGateway(ctx: GatewayContext, options: HttpGatewayOptions): Promise<HttpGateway> {
  const stored = options.storedTokens ?? null;
  await refuseOpenNonLoopback(options, stored);
  const auth: AuthOptions = { tokens: options.tokens, stored, required: options.tokens !== null || !isLoopbackHost(options.host) };
  const app = buildApp(ctx, options);
  const hostsForOrigin = options.allowedHosts ?? [];
  const httpServer = createServer((req, res) => {
    void preflight(req, res, auth, hostsForOrigin, ctx.log).then((go) => {
      if (go) app(req, res);
    });
  });
  return listen(httpServer, options.port, options.host);
}

async function refuseOpenNonLoopback(options: HttpGatewayOptions, stored: StoredTokenCheck | null): Promise<void> {
  if (!options.tokens && !isLoopbackHost(options.host) && !(stored && (await stored.hasActive()))) {
    throw new HttpStartError(
      `Refusing to listen on ${options.host} without ECM_GATEWAY_TOKEN or issued tokens: anyone who can reach the port could query the warehouse. Set ECM_GATEWAY_TOKEN, issue a token (ecm-gateway tokens issue --agent EMAIL), or use --host 127.0.0.1.`,
    );
  }
}

function buildApp(ctx: GatewayContext, options: HttpGatewayOptions): GatewayApp {
  const allowedHosts = allowedHostsFor(options.host, options.allowedHosts ?? []);
  const app = createMcpExpressApp({ host: options.host, ...(allowedHosts ? { allowedHosts } : {}) });
  app.disable('x-powered-by');
  addHealthRoute(app);
  if (options.metrics) addMetricsRoute(app, ctx, options.metrics);
  addMcpRoutes(app, ctx);
  addFallbacks(app, ctx);
  return app;
}

function addHealthRoute(app: GatewayApp): void {
  const started = Date.now();
  app.get('/health', (_req: Request, res: Response) => {
    res.json({
      status: 'ok',
      name: GATEWAY_NAME,
      version: GATEWAY_VERSION,
      tools: GATEWAY_TOOLS.length,
      uptime_s: Math.round((Date.now() - started) / 1000),
    });
  });
}

function addMetricsRoute(app: GatewayApp, ctx: GatewayContext, metrics: NonNullable<HttpGatewayOptions['metrics']>): void {
  app.get('/metrics', async (_req: Request, res: Response) => {
    try {
      res.type(metrics.contentType).send(await metrics.render());
    } catch (err) {
      ctx.log.error({ error: errorText(err) }, 'metrics unavailable');
      res.status(503).type('text/plain').send('metrics unavailable: the execution log could not be read\n');
    }
  });
}

function addMcpRoutes(app: GatewayApp, ctx: GatewayContext): void {
  app.post('/mcp', (req: Request, res: Response) => handleMcpPost(ctx, req, res));
  // Stateless: no server-initiated stream to resume and no session to delete.
  const notAllowed = (_req: Request, res: Response) => {
    res
      .status(405)
      .set('Allow', 'POST')
      .json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless; use POST' }, id: null });
  };
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}

async function handleMcpPost(ctx: GatewayContext, req: Request, res: Response): Promise<void> {
  if (Array.isArray(req.body)) {
    // One tool call per HTTP request: a batch would multiply the work one request can ask for.
    res.status(400).json(rpcError(-32600, 'Batches are not accepted: send one JSON-RPC message per HTTP request.'));
    return;
  }
  // A token's subject when one was sent; the configured agent only on loopback without any token.
  const authInfo = (req as Request & { auth?: AuthInfo }).auth;
  const subject = authInfo ? ((authInfo.extra?.subject as string | null | undefined) ?? null) : ctx.defaultAgent;
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
    ctx.log.error({ error: errorText(err) }, 'HTTP request failed');
    if (!res.headersSent) res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
  }
}

function addFallbacks(app: GatewayApp, ctx: GatewayContext): void {
  app.use((_req: Request, res: Response) => {
    res.status(404).json(rpcError(-32601, 'Not found: the gateway serves POST /mcp and GET /health.'));
  });
  // Express's own error page shows a stack trace and file paths; this one says what to fix, in JSON.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = Number((err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode ?? 500);
    if (res.headersSent) return;
    if (status === 400) res.status(400).json(rpcError(-32700, 'Parse error: the body is not valid JSON.'));
    else if (status === 413) res.status(413).json(rpcError(-32600, `Request body too large: at most ${MAX_BODY_BYTES / 1024} KiB.`));
    else if (status === 415) res.status(415).json(rpcError(-32600, 'Unsupported content type: send application/json.'));
    else {
      ctx.log.error({ error: errorText(err) }, 'HTTP request failed');
      res.status(500).json(rpcError(-32603, 'Internal server error'));
    }
  });
}

async function listen(httpServer: Server, port: number, host: string): Promise<HttpGateway> {
  const server = await new Promise<Server>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve(httpServer));
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
