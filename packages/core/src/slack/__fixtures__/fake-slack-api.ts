import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the Slack Web API would receive it. */
export interface ReceivedCall {
  method: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  /** `blocks` decoded from its JSON form field. */
  blocks: unknown;
  /** What the fake answered with. */
  answer?: FakeAnswer;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (to trigger client timeouts). */
  delayMs?: number;
}

/** Chooses the answer to the n-th call (0-based) to any method. */
export type Responder = (call: ReceivedCall, n: number) => FakeAnswer | undefined;

export interface FakeSlack {
  /** Base URL to use as SLACK_API_URL. */
  url: string;
  calls: ReceivedCall[];
  /** chat.postMessage calls answered ok:true: the messages in the channel, whether or not the client heard back. */
  posted(): ReceivedCall[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

let nextTs = 1_771_290_000;

/** The default answers: success, with a fresh message ts for every post. */
export function okAnswer(call: ReceivedCall): FakeAnswer {
  if (call.method === 'auth.test') return { body: { ok: true, team: 'Example Ops', user: 'ecm_bot' } };
  nextTs += 1;
  return {
    body: { ok: true, channel: call.params.channel, ts: `${nextTs}.000100`, message: { text: call.params.text } },
  };
}

/** A local stand-in for https://slack.com/api/ on 127.0.0.1, recording every request it receives. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: ReceivedCall[] = [];
  let responder: Responder = () => undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const json = (req.headers['content-type'] ?? '').includes('application/json');
      const params: Record<string, string> = json
        ? Object.fromEntries(
            Object.entries(JSON.parse(raw) as Record<string, unknown>).map(([k, v]) => [
              k,
              typeof v === 'string' ? v : JSON.stringify(v),
            ]),
          )
        : Object.fromEntries(new URLSearchParams(raw));
      const call: ReceivedCall = {
        method: (req.url ?? '').replace(/^\/api\//, ''),
        headers: req.headers,
        params,
        blocks: params.blocks === undefined ? undefined : JSON.parse(params.blocks),
      };
      const n = calls.length;
      calls.push(call);
      const answer = responder(call, n) ?? okAnswer(call);
      call.answer = answer;
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body ?? { ok: true }));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    posted: () =>
      calls.filter((c) => c.method === 'chat.postMessage' && (c.answer?.status ?? 200) === 200 && isOk(c.answer?.body)),
    respond: (r) => {
      responder = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isOk(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'ok' in body && body.ok === true;
}

// ---- Workspace directory and file uploads -------------------------------------------------------
// users.lookupByEmail, conversations.open and the files.uploadV2 flow (files.getUploadURLExternal,
// the POST of the bytes to the returned URL on this same server, files.completeUploadExternal).
// Additive: a responder to pass to `fake.respond`, chained in front of any other responder.

export interface FakeWorkspace {
  /** E-mail → Slack user id; any other e-mail is `users_not_found`. */
  readonly users: Record<string, string>;
  /** User ids whose conversations.open fails with `user_not_found` (an id that went stale). */
  readonly staleIds?: readonly string[];
}

/** The DM channel id the fake opens for a user id. */
export const dmChannelOf = (userId: string): string => `D${userId.slice(1)}`;

export function workspaceResponder(fake: Pick<FakeSlack, 'url'>, workspace: FakeWorkspace, next: Responder = () => undefined): Responder {
  let nextFile = 0;
  return (call, n) => {
    switch (call.method) {
      case 'users.lookupByEmail': {
        const id = workspace.users[(call.params.email ?? '').toLowerCase()];
        return { body: id ? { ok: true, user: { id, profile: { email: call.params.email } } } : { ok: false, error: 'users_not_found' } };
      }
      case 'conversations.open': {
        const user = call.params.users ?? '';
        if (workspace.staleIds?.includes(user) || !Object.values(workspace.users).includes(user)) return { body: { ok: false, error: 'user_not_found' } };
        return { body: { ok: true, channel: { id: dmChannelOf(user) } } };
      }
      case 'files.getUploadURLExternal': {
        nextFile += 1;
        const id = `F${String(nextFile).padStart(8, '0')}`;
        return { body: { ok: true, file_id: id, upload_url: `${fake.url.replace(/\/api\/$/, '')}/upload/${id}` } };
      }
      case 'files.completeUploadExternal':
        return { body: { ok: true, files: JSON.parse(call.params.files ?? '[]') } };
      default:
        if (call.method.startsWith('/upload/')) return { body: 'OK' };
        return next(call, n);
    }
  };
}
