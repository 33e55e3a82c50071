import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { FieldConnection, GatewayTarget } from '../session/field-connection.js';
import type { ToolClient } from './field-gateway.js';

const CLIENT_INFO = { name: 'ecm-field', version: '0.1.0' };

/** A JSON-RPC error answer from the gateway. */
class RpcError extends Error {
  constructor(
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/**
 * The MCP lifecycle a terminal command needs — initialize, then tool calls — over the SDK's
 * Streamable HTTP client transport. The SDK's full Client class also loads a JSON Schema validator
 * (ajv) for features a one-shot command never uses; its start-up cost is most of a command's budget,
 * and the answers are parsed with the gateway's own declared shapes anyway.
 */
class HttpToolClient implements ToolClient {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (result: unknown) => void; reject: (err: unknown) => void }>();

  constructor(private readonly transport: StreamableHTTPClientTransport) {
    transport.onmessage = (message: JSONRPCMessage) => {
      if (!('id' in message) || typeof message.id !== 'number') return; // notifications and server requests: none are expected
      const waiter = this.#pending.get(message.id);
      if (!waiter) return;
      this.#pending.delete(message.id);
      if ('error' in message) waiter.reject(new RpcError(message.error.code, message.error.message));
      else if ('result' in message) waiter.resolve(message.result);
    };
    transport.onerror = (err) => {
      for (const waiter of this.#pending.values()) waiter.reject(err);
      this.#pending.clear();
    };
  }

  async #request(method: string, params: Record<string, unknown>): Promise<unknown> {
    const id = this.#nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    // A failed send also reaches onerror, which rejects this answer: the send's own error is the one reported.
    answer.catch(() => undefined);
    try {
      await this.transport.send({ jsonrpc: '2.0', id, method, params });
    } catch (err) {
      this.#pending.delete(id);
      throw err;
    }
    return answer;
  }

  async initialize(): Promise<void> {
    await this.transport.start();
    const result = (await this.#request('initialize', {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    })) as { protocolVersion?: unknown };
    const version = String(result?.protocolVersion ?? '');
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version))
      throw new CliError(
        `the gateway speaks MCP protocol version "${version.slice(0, 40)}", which this ecm-field does not; update one of them`,
        EXIT.failed,
      );
    this.transport.setProtocolVersion(version);
    await this.transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown> {
    return this.#request('tools/call', { name: params.name, arguments: params.arguments ?? {} });
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** A transport failure as something the agent can act on: a refused token, an unreachable gateway. */
function asCliError(err: unknown, target: GatewayTarget): unknown {
  if (err instanceof CliError) return err;
  const where = target.url.origin;
  if (err instanceof RpcError) return new CliError(`the gateway at ${where} refused the call: ${err.message}`, EXIT.failed);
  const code = (err as { code?: unknown }).code;
  if (code === 401) {
    return new CliError(
      `the gateway at ${where} refused ECM_GATEWAY_TOKEN (unknown, mistyped or revoked); ask your lead for a new personal token (ecm-gateway tokens issue --agent YOUR_EMAIL)`,
      EXIT.notAllowed,
    );
  }
  if (code === 403) return new CliError(`the gateway at ${where} refused this request (403): ${(err as Error).message}`, EXIT.notAllowed);
  if (typeof code === 'number')
    return new CliError(`the gateway at ${where} answered with an error (${code}): ${(err as Error).message}`, EXIT.failed);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err instanceof TypeError && cause) {
    return new CliError(
      `cannot reach the gateway at ${where} (${cause.code ?? cause.message ?? 'no answer'}); check ECM_GATEWAY_URL and your network`,
      EXIT.failed,
    );
  }
  return err;
}

/** The gateway's tools over Streamable HTTP, as the token's agent. */
export async function connectGateway<T>(target: GatewayTarget, fn: (c: FieldConnection) => Promise<T>): Promise<T> {
  const client = new HttpToolClient(
    new StreamableHTTPClientTransport(target.url, { requestInit: { headers: { authorization: `Bearer ${target.token}` } } }),
  );
  try {
    await client.initialize();
    return await fn({ client, mode: 'gateway', identity: null, where: target.url.origin });
  } catch (err) {
    throw asCliError(err, target);
  } finally {
    await client.close().catch(() => undefined);
  }
}
