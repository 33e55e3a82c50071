import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { FieldConnection, GatewayTarget } from '../session/field-connection.js';

const CLIENT_VERSION = '0.1.0';

/** A transport failure as something the agent can act on: a refused token, an unreachable gateway. */
function asCliError(err: unknown, target: GatewayTarget): unknown {
  if (err instanceof CliError) return err;
  const where = target.url.origin;
  const code = (err as { code?: unknown }).code;
  if (code === 401) {
    return new CliError(
      `the gateway at ${where} refused ECM_GATEWAY_TOKEN (unknown, mistyped or revoked); ask your lead for a new personal token (ecm-gateway tokens issue --agent YOUR_EMAIL)`,
      EXIT.notAllowed,
    );
  }
  if (code === 403) return new CliError(`the gateway at ${where} refused this request (403): ${(err as Error).message}`, EXIT.notAllowed);
  if (typeof code === 'number') return new CliError(`the gateway at ${where} answered with an error (${code}): ${(err as Error).message}`, EXIT.failed);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (err instanceof TypeError && cause) {
    return new CliError(`cannot reach the gateway at ${where} (${cause.code ?? cause.message ?? 'no answer'}); check ECM_GATEWAY_URL and your network`, EXIT.failed);
  }
  return err;
}

/** The gateway's tools over Streamable HTTP, as the token's agent. */
export async function connectGateway<T>(target: GatewayTarget, fn: (c: FieldConnection) => Promise<T>): Promise<T> {
  const client = new Client({ name: 'ecm-field', version: CLIENT_VERSION });
  const transport = new StreamableHTTPClientTransport(target.url, { requestInit: { headers: { authorization: `Bearer ${target.token}` } } });
  try {
    await client.connect(transport);
    return await fn({ client, mode: 'gateway', identity: null, where: target.url.origin });
  } catch (err) {
    throw asCliError(err, target);
  } finally {
    await client.close().catch(() => undefined);
  }
}
