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
  /**
   * Close the connection instead of answering: `after-accepting` keeps the post (it is in the channel,
   * the client never hears so), `before-accepting` drops it (nothing was posted). Either way the client
   * sees a connection lost mid-request.
   */
  drop?: 'after-accepting' | 'before-accepting';
}

/** Chooses the answer to the n-th call (0-based) to any method. */
export type Responder = (call: ReceivedCall, n: number) => FakeAnswer | undefined;

/** A message as stored in the fake channel (what conversations.history would return). */
export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface FakeSlack {
  /** Base URL to use as SLACK_API_URL. */
  url: string;
  calls: ReceivedCall[];
  /** Every message in every channel, in posting order. */
  messages(): StoredMessage[];
  /** chat.postMessage calls answered ok:true: the messages in the channel, whether or not the client heard back. */
  posted(): ReceivedCall[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

/** Last ts handed out, in microseconds: Slack's ts is the posting time, unique per channel. */
let lastTsMicros = 0;
function nextTs(): string {
  lastTsMicros = Math.max(lastTsMicros + 1, Date.now() * 1000);
  return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, '0')}`;
}

/** The default answers: success, with a fresh message ts for every post. */
export function okAnswer(call: ReceivedCall): FakeAnswer {
  if (call.method === 'auth.test') return { body: { ok: true, team: 'Example Ops', user: 'ecm_bot' } };
  return {
    body: { ok: true, channel: call.params.channel, ts: nextTs(), message: { text: call.params.text } },
  };
}

/**
 * conversations.history / conversations.replies over the stored messages, as Slack answers them:
 * newest first for history (top-level messages only), parent first then oldest first for replies;
 * `metadata` only with include_all_metadata; `oldest` bounds the list; `limit` + cursor paginate.
 */
function readAnswer(call: ReceivedCall, store: StoredMessage[]): FakeAnswer {
  const { channel, ts, oldest, cursor } = call.params;
  const limit = Number(call.params.limit ?? 100);
  const withMeta = call.params.include_all_metadata === 'true';
  const inclusive = call.params.inclusive === 'true';
  const after = (m: StoredMessage) => oldest === undefined || (inclusive ? Number(m.ts) >= Number(oldest) : Number(m.ts) > Number(oldest));
  let list: StoredMessage[];
  if (call.method === 'conversations.history') {
    list = store.filter((m) => m.channel === channel && !m.thread_ts && after(m)).reverse();
  } else {
    const parent = store.find((m) => m.channel === channel && m.ts === ts && !m.thread_ts);
    if (!parent) return { body: { ok: false, error: 'thread_not_found' } };
    list = [parent, ...store.filter((m) => m.channel === channel && m.thread_ts === ts && after(m))];
  }
  const start = cursor ? Number(cursor) : 0;
  const page = list.slice(start, start + limit);
  const more = start + limit < list.length;
  return {
    body: {
      ok: true,
      messages: page.map((m) => ({
        type: 'message',
        ts: m.ts,
        text: m.text,
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
        ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
      })),
      has_more: more,
      response_metadata: { next_cursor: more ? String(start + limit) : '' },
    },
  };
}

/** A local stand-in for https://slack.com/api/ on 127.0.0.1, recording every request it receives. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: ReceivedCall[] = [];
  const store: StoredMessage[] = [];
  let responder: Responder = () => undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const json = (req.headers['content-type'] ?? '').includes('application/json');
      const params: Record<string, string> = json
        ? Object.fromEntries(
            Object.entries(JSON.parse(raw) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
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
      const reads = call.method === 'conversations.history' || call.method === 'conversations.replies';
      const answer = responder(call, n) ?? (reads ? readAnswer(call, store) : okAnswer(call));
      call.answer = answer;
      // A post answered ok is in the channel, whether or not the client ever hears the answer.
      const body = answer.body as { ok?: boolean; ts?: unknown } | undefined;
      if (
        call.method === 'chat.postMessage' &&
        answer.drop !== 'before-accepting' &&
        (answer.status ?? 200) === 200 &&
        body?.ok === true &&
        typeof body.ts === 'string'
      ) {
        store.push({
          channel: call.params.channel ?? '',
          ts: body.ts,
          text: call.params.text ?? '',
          ...(call.params.thread_ts ? { thread_ts: call.params.thread_ts } : {}),
          ...(call.params.metadata ? { metadata: JSON.parse(call.params.metadata) as StoredMessage['metadata'] } : {}),
        });
      }
      const send = () => {
        if (res.destroyed) return;
        if (answer.drop) {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body ?? { ok: true }));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  // Slack keeps idle connections open for long; Node's 5 s default would close one between two posts of a slow run.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    messages: () => [...store],
    posted: () =>
      calls.filter(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.answer?.drop !== 'before-accepting' &&
          (c.answer?.status ?? 200) === 200 &&
          isOk(c.answer?.body),
      ),
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
        if (workspace.staleIds?.includes(user) || !Object.values(workspace.users).includes(user))
          return { body: { ok: false, error: 'user_not_found' } };
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

// ---- An app's interactive methods ------------------------------------------------------------------
// users.info (the profile e-mail an app maps to a person), views.open, chat.postEphemeral and
// apps.connections.open (the Socket Mode URL). Additive, like workspaceResponder.

export interface FakeApp {
  /** Slack user id → the e-mail on their profile; any other id is `user_not_found`. */
  readonly profiles: Record<string, string>;
  /** What apps.connections.open answers (a local Socket Mode stand-in's ws:// URL). */
  readonly socketUrl?: () => string;
}

export function appResponder(app: FakeApp, next: Responder = () => undefined): Responder {
  let nextView = 0;
  return (call, n) => {
    switch (call.method) {
      case 'users.info': {
        const email = app.profiles[call.params.user ?? ''];
        return {
          body: email
            ? { ok: true, user: { id: call.params.user, deleted: false, is_bot: false, profile: { email } } }
            : { ok: false, error: 'user_not_found' },
        };
      }
      case 'views.open': {
        if (!call.params.trigger_id) return { body: { ok: false, error: 'invalid_arguments' } };
        nextView += 1;
        return { body: { ok: true, view: { id: `V${String(nextView).padStart(8, '0')}`, ...JSON.parse(call.params.view ?? '{}') } } };
      }
      case 'chat.postEphemeral':
        return { body: { ok: true, message_ts: nextTs() } };
      case 'apps.connections.open':
        return app.socketUrl ? { body: { ok: true, url: app.socketUrl() } } : { body: { ok: false, error: 'not_allowed_token_type' } };
      default:
        return next(call, n);
    }
  };
}
