import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake Messages API received. */
export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: {
    model: string;
    max_tokens: number;
    system?: { type: string; text: string; cache_control?: { type: string } }[];
    messages: { role: string; content: unknown }[];
    tools?: { name: string; description?: string; input_schema: unknown }[];
    tool_choice?: { type: string };
  };
}

export interface ScriptedResponse {
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly delayMs?: number;
}
export type Script = ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse);

/**
 * A local stand-in for the Messages API (POST /v1/messages on 127.0.0.1) answering from a script,
 * one entry per request, so the real SDK can be exercised end to end.
 */
export async function startFakeMessagesApi(script: Script[] = []) {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const recorded: RecordedRequest = { path: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : {} };
      requests.push(recorded);
      const next = queue.shift();
      const answer: ScriptedResponse = !next
        ? {
            status: 500,
            body: { type: 'error', error: { type: 'api_error', message: 'fake API: script exhausted' } },
            headers: { 'x-should-retry': 'false' },
          }
        : typeof next === 'function'
          ? next(recorded)
          : next;
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, {
          'content-type': 'application/json',
          'request-id': `req_${requests.length}`,
          ...answer.headers,
        });
        res.end(JSON.stringify(answer.body));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    push: (...more: Script[]) => queue.push(...more),
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type FakeMessagesApi = Awaited<ReturnType<typeof startFakeMessagesApi>>;

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };
let toolUseCounter = 0;

export const text = (t: string): Block => ({ type: 'text', text: t });
export const toolUse = (name: string, input: unknown): Block => ({ type: 'tool_use', id: `toolu_${++toolUseCounter}`, name, input });

export interface UsageScript {
  input?: number;
  output?: number;
  cacheWrite?: number;
  cacheRead?: number;
}

/** A successful Messages API answer. */
export function reply(content: Block[], usage: UsageScript = {}, stopReason?: string): ScriptedResponse {
  return {
    body: {
      id: `msg_${toolUseCounter}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content,
      stop_reason: stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      usage: {
        input_tokens: usage.input ?? 100,
        output_tokens: usage.output ?? 20,
        cache_creation_input_tokens: usage.cacheWrite ?? 0,
        cache_read_input_tokens: usage.cacheRead ?? 0,
      },
    },
  };
}

/** An error answer shaped like the API's (`{type:"error", error:{type, message, details}}`). */
export function apiError(
  status: number,
  type: string,
  message: string,
  opts: { errorCode?: string; headers?: Record<string, string> } = {},
): ScriptedResponse {
  return {
    status,
    headers: opts.headers ?? {},
    body: { type: 'error', error: { type, message, ...(opts.errorCode ? { details: { error_code: opts.errorCode } } : {}) } },
  };
}

/** The tool results a request carried back, in order. */
export function toolResultsOf(req: RecordedRequest): { tool_use_id: string; content: string; is_error?: boolean }[] {
  const last = req.body.messages[req.body.messages.length - 1];
  if (!last || !Array.isArray(last.content)) return [];
  return (last.content as { type: string }[]).filter((b) => b.type === 'tool_result') as {
    tool_use_id: string;
    content: string;
    is_error?: boolean;
  }[];
}
