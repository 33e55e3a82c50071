import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, okAnswer, startFakeSlack } from './__fixtures__/fake-slack-api.js';
import { knownBlockValidator } from './__fixtures__/known-block-validator.js';
import { divider, header, section } from './block-kit.js';
import { codeTable } from './code-block.js';
import { md } from './mrkdwn.js';
import { openSlackSink } from './open-slack-sink.js';
import { type PostProgress, postReport } from './post-report.js';
import { SlackLimitError } from './slack-limits.js';
import type { SlackMessage } from './slack-message.js';
import { SlackPostError } from './slack-post-error.js';
import { WebApiSink, type WebApiSinkOptions } from './web-api-sink.js';

const TOKEN = 'xoxb-0000-test-token';
const CHANNEL = 'C0TESTCHAN';

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack();
});
afterEach(async () => {
  await slack.close();
});

const sink = (options: Partial<WebApiSinkOptions> = {}) =>
  new WebApiSink({
    token: TOKEN,
    channel: CHANNEL,
    slackApiUrl: slack.url,
    retryDelayMs: 5,
    timeoutMs: 2_000,
    ...options,
  });

function triageMessage(replies: number): SlackMessage {
  return {
    title: 'ECM Triage',
    text: md`ECM Triage: ${12} orders assigned to ${'R&D <!channel>'}`,
    blocks: [header('🎯 ECM Triage — Feb 17, 2026 14:00 IST'), section('*12* orders assigned, *AED 84,000*'), divider()],
    thread: Array.from({ length: replies }, (_, i) => ({
      text: `Agent ${i + 1}`,
      blocks: [section(`*Agent ${i + 1}*\n${codeTable(['Order', 'Amount'], [[`ORD-${i}`, 1000 * (i + 1)]])}`)],
    })),
  };
}

async function rejection(promise: Promise<unknown>): Promise<SlackPostError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackPostError);
  return error as SlackPostError;
}

describe('WebApiSink against a local Slack Web API', () => {
  let validate: (block: unknown) => string[];
  beforeAll(() => {
    validate = knownBlockValidator();
  });

  it('posts the main message, then the replies in its thread, as Slack receives them', async () => {
    const message = triageMessage(2);
    const steps: PostProgress[] = [];
    const result = await postReport(sink(), message, { onPosted: async (s) => void steps.push(s) });

    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage', 'chat.postMessage']);
    const [main, ...replies] = slack.calls;
    for (const call of slack.calls) {
      expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(call.headers['content-type']).toContain('application/x-www-form-urlencoded');
      expect(call.params.channel).toBe(CHANNEL);
      for (const block of call.blocks as unknown[]) expect(validate(block)).toEqual([]);
    }
    expect(main?.params.text).toBe('ECM Triage: 12 orders assigned to R&amp;D &lt;!channel&gt;');
    expect(main?.blocks).toEqual(message.blocks);
    expect(main?.params.thread_ts).toBeUndefined();

    const parentTs = (main!.answer!.body as { ts: string }).ts;
    expect(result.parentTs).toBe(parentTs);
    expect(replies.map((r) => r.params.thread_ts)).toEqual([parentTs, parentTs]);
    expect(replies.map((r) => r.blocks)).toEqual(message.thread.map((t) => t.blocks));
    expect(replies.map((r) => r.params.text)).toEqual(['Agent 1', 'Agent 2']);
    expect(steps.map((s) => [s.postedReplies, s.totalReplies, s.parentTs])).toEqual([
      [0, 2, parentTs],
      [1, 2, parentTs],
      [2, 2, parentTs],
    ]);
    expect(result.replyTs).toEqual(steps.slice(1).map((s) => s.ts));
  });

  it('waits out a 429 Retry-After, then posts exactly once', async () => {
    slack.respond((_, n) =>
      n === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } } : undefined,
    );
    const started = Date.now();
    const { ts } = await sink().postMessage({ text: 'hello', blocks: [section('hello')] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(slack.calls).toHaveLength(2);
    expect(slack.posted()).toHaveLength(1);
    expect((slack.posted()[0]!.answer!.body as { ts: string }).ts).toBe(ts);
  });

  it('fails fast when Retry-After asks for longer than the run may wait', async () => {
    slack.respond(() => ({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { ok: false, error: 'ratelimited' },
    }));
    const error = await rejection(sink({ maxRetryAfterSec: 30 }).postMessage({ text: 'x', blocks: [section('x')] }));
    expect(error.code).toBe('rate_limited');
    expect(error.maybePosted).toBe(false);
    expect(error.message).toContain('3600s');
    expect(slack.calls).toHaveLength(1);
  });

  it('retries a 500 and posts once', async () => {
    slack.respond((_, n) => (n === 0 ? { status: 500, body: 'internal error' } : undefined));
    await sink().postMessage({ text: 'hello', blocks: [section('hello')] });
    expect(slack.calls).toHaveLength(2);
    expect(slack.posted()).toHaveLength(1);
  });

  it('reports a 500 that persists after the retry budget, having posted nothing', async () => {
    slack.respond(() => ({ status: 503, body: 'unavailable' }));
    const error = await rejection(sink({ retries: 3 }).postMessage({ text: 'hello', blocks: [section('hello')] }));
    expect(error.code).toBe('http_503');
    expect(error.maybePosted).toBe(false);
    expect(error.attempts).toBe(4);
    expect(error.message).toMatch(/HTTP 503 .*gave up after 4 attempts/);
    expect(slack.calls).toHaveLength(4);
    expect(slack.posted()).toHaveLength(0);
  });

  it('does not retry a 504 gateway timeout (Slack may have posted) and says so', async () => {
    slack.respond(() => ({ status: 504, body: 'gateway timeout' }));
    const error = await rejection(sink().postMessage({ text: 'hello', blocks: [section('hello')] }));
    expect(error.code).toBe('http_504');
    expect(error.maybePosted).toBe(true);
    expect(slack.calls).toHaveLength(1);
  });

  it('does not retry a 4xx other than 429: the API URL is wrong', async () => {
    slack.respond(() => ({ status: 404, body: 'not found' }));
    const error = await rejection(sink().postMessage({ text: 'hello', blocks: [section('hello')] }));
    expect(error.code).toBe('http_404');
    expect(error.message).toContain('SLACK_API_URL');
    expect(slack.calls).toHaveLength(1);
  });

  it.each([
    ['channel_not_found', {}, /channel_not_found — .*SLACK_CHANNEL_ID/],
    ['not_in_channel', {}, /not_in_channel — .*invite/],
    ['invalid_auth', {}, /invalid_auth — SLACK_BOT_TOKEN/],
    ['missing_scope', { needed: 'chat:write' }, /missing_scope \(needed: chat:write\) — .*chat:write/],
  ])('reports ok:false %s with what to do, without retrying', async (code, extra, expected) => {
    slack.respond(() => ({ body: { ok: false, error: code, ...extra } }));
    const error = await rejection(sink().postMessage({ text: 'hello', blocks: [section('hello')] }));
    expect(error.code).toBe(code);
    expect(error.maybePosted).toBe(false);
    expect(error.message).toMatch(expected);
    expect(error.message).toContain(CHANNEL);
    await new Promise((r) => setTimeout(r, 50));
    expect(slack.calls).toHaveLength(1);
  });

  it('never re-sends a post that timed out: Slack may already have posted it', async () => {
    slack.respond((call, n) => (n === 0 ? { ...okAnswer(call), delayMs: 600 } : undefined));
    const error = await rejection(sink({ timeoutMs: 150 }).postMessage({ text: 'hello', blocks: [section('hello')] }));
    expect(error.code).toBe('timeout');
    expect(error.maybePosted).toBe(true);
    expect(error.message).toContain('may have been posted');
    await new Promise((r) => setTimeout(r, 700));
    // Slack did post it once (it answered ok after the client gave up) and it was not sent again.
    expect(slack.calls).toHaveLength(1);
    expect(slack.posted()).toHaveLength(1);
  });

  it('retries when Slack cannot be reached (nothing was sent), then reports it', async () => {
    const closed = slack.url;
    await slack.close();
    const error = await rejection(
      new WebApiSink({ token: TOKEN, channel: CHANNEL, slackApiUrl: closed, retries: 2, retryDelayMs: 5 }).postMessage({
        text: 'hello',
        blocks: [section('hello')],
      }),
    );
    expect(error.code).toBe('unreachable');
    expect(error.maybePosted).toBe(false);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('ECONNREFUSED');
    slack = await startFakeSlack(); // for afterEach
  });

  it('resumes a crashed run: only the replies not yet posted are sent', async () => {
    const message = triageMessage(4);
    const saved: PostProgress[] = [];
    // Run 1: Slack fails on the third reply until the budget runs out; progress was saved after each post.
    slack.respond((call, n) => (n === 3 ? { status: 500, body: 'down' } : n > 3 ? { status: 500, body: 'down' } : undefined));
    await expect(postReport(sink({ retries: 1 }), message, { onPosted: async (s) => void saved.push(s) })).rejects.toThrow(/HTTP 500/);
    const progress = saved.at(-1);
    expect(progress?.postedReplies).toBe(2);

    // Run 2: a new process, a new client; it starts from the saved progress.
    slack.respond(() => undefined);
    const result = await postReport(sink(), message, {
      parentTs: progress?.parentTs as string,
      postedReplies: progress?.postedReplies as number,
      onPosted: async (s) => void saved.push(s),
    });
    expect(result.replyTs).toHaveLength(2);
    const posted = slack.posted();
    expect(posted.map((c) => c.params.text)).toEqual([message.text, 'Agent 1', 'Agent 2', 'Agent 3', 'Agent 4']);
    expect(posted.slice(1).length).toBeGreaterThan(0);
    expect(posted.slice(1).every((c) => c.params.thread_ts === progress?.parentTs)).toBe(true);
    expect(saved.map((s) => s.postedReplies)).toEqual([0, 1, 2, 3, 4]);
  });

  it('posts nothing when the message breaks a Slack limit', async () => {
    const message = triageMessage(1);
    message.thread.push({ text: 'too long', blocks: Array.from({ length: 51 }, () => divider()) });
    await expect(postReport(sink(), message)).rejects.toBeInstanceOf(SlackLimitError);
    await expect(postReport(sink(), message)).rejects.toThrow(/thread reply 2: 51 blocks \(limit 50\)/);
    expect(slack.calls).toHaveLength(0);
  });

  it('checks the token with auth.test', async () => {
    expect(await sink().authTest()).toEqual({ ok: true, team: 'Example Ops', user: 'ecm_bot' });
    slack.respond(() => ({ body: { ok: false, error: 'invalid_auth' } }));
    const failed = await sink().authTest();
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/invalid_auth — SLACK_BOT_TOKEN/);
  });

  it('openSlackSink posts to Slack when SLACK_BOT_TOKEN and SLACK_CHANNEL_ID are set', async () => {
    const opened = openSlackSink(
      { SLACK_BOT_TOKEN: TOKEN, SLACK_CHANNEL_ID: CHANNEL, SLACK_API_URL: slack.url, ECM_HOME: '/nonexistent' },
      { out: new PassThrough() },
    );
    expect(opened.kind).toBe('slack');
    await opened.postMessage({ text: 'hi', blocks: [section('hi')] });
    expect(slack.posted().map((c) => [c.params.channel, c.headers.authorization])).toEqual([[CHANNEL, `Bearer ${TOKEN}`]]);
  });
});

describe('finding a post lost in a crash', () => {
  it('sends the run and message keys as metadata and finds parents in the channel, replies in their thread', async () => {
    const s = sink();
    const since = new Date();
    const runKey = 'triage:daily@2026-02-17T07:00+05:30';
    const posted = await postReport(s, triageMessage(2), { runKey, messageKey: '0' });
    const other = await s.postMessage({ text: 'another run', blocks: [section('x')], key: { runKey: 'backlog:x', messageKey: '0' } });
    const post = slack.calls.find((c) => c.method === 'chat.postMessage')!;
    expect(JSON.parse(post.params.metadata!)).toEqual({ event_type: 'ecm_post', event_payload: { run_key: runKey, message_key: '0' } });

    expect(await s.findPosted({ key: { runKey, messageKey: '0' }, since })).toEqual({ ts: posted.parentTs });
    expect(await s.findPosted({ key: { runKey: 'backlog:x', messageKey: '0' }, since })).toEqual({ ts: other.ts });
    expect(await s.findPosted({ key: { runKey, messageKey: '0.2' }, threadTs: posted.parentTs, since })).toEqual({ ts: posted.replyTs[1] });
    expect(await s.findPosted({ key: { runKey, messageKey: '0.3' }, threadTs: posted.parentTs, since })).toBeNull();
    expect(await s.findPosted({ key: { runKey, messageKey: '1' }, since })).toBeNull();
    const reads = slack.calls.filter((c) => c.method.startsWith('conversations.'));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.params.include_all_metadata === 'true' && Number(c.params.oldest) <= since.getTime() / 1000)).toBe(true);
  });

  it('a post older than the search window is not found (the window starts a little before the intent)', async () => {
    const s = sink();
    await s.postMessage({ text: 'old', blocks: [section('old')], key: { runKey: 'r', messageKey: '0' } });
    expect(await s.findPosted({ key: { runKey: 'r', messageKey: '0' }, since: new Date(Date.now() + 3_600_000) })).toBeNull();
  });

  it('a lookup Slack refuses fails without sending anything', async () => {
    slack.respond((call) =>
      call.method === 'conversations.history' ? { body: { ok: false, error: 'missing_scope', needed: 'channels:history' } } : undefined,
    );
    const err = await sink()
      .findPosted({ key: { runKey: 'r', messageKey: '0' }, since: new Date() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlackPostError);
    expect((err as Error).message).toContain('channels:history');
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });
});

describe('a post whose outcome is unknown, resolved in the same run', () => {
  const runKey = 'triage:daily@2026-02-17T14:00+05:30';
  const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage');
  const options = (saved: PostProgress[]) => ({
    runKey,
    messageKey: '0',
    ambiguous: { delayMs: 5 },
    onPosted: async (s: PostProgress) => void saved.push(s),
  });

  it('the connection drops after Slack accepted a reply: it is looked up and adopted, never sent again', async () => {
    // The third call is reply 2 (main, reply 1, reply 2, …).
    slack.respond((call, n) => (n === 2 ? { ...okAnswer(call), drop: 'after-accepting' } : undefined));
    const saved: PostProgress[] = [];
    const message = triageMessage(3);
    const result = await postReport(sink(), message, options(saved));
    expect(slack.posted().map((c) => c.params.text)).toEqual([message.text, 'Agent 1', 'Agent 2', 'Agent 3']);
    expect(posts()).toHaveLength(4);
    expect(slack.calls.filter((c) => c.method === 'conversations.replies')).toHaveLength(1);
    expect(saved.map((s) => [s.postedReplies, s.adopted])).toEqual([
      [0, false],
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(result.replyTs[1]).toBe(slack.messages()[2]!.ts);
  });

  it('the connection drops before Slack accepted the main message: the lookup finds nothing, so it is sent again, once', async () => {
    slack.respond((call, n) => (n === 0 ? { ...okAnswer(call), drop: 'before-accepting' } : undefined));
    const saved: PostProgress[] = [];
    const message = triageMessage(1);
    await postReport(sink(), message, options(saved));
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'conversations.history', 'chat.postMessage', 'chat.postMessage']);
    expect(slack.posted().map((c) => c.params.text)).toEqual([message.text, 'Agent 1']);
    expect(saved.map((s) => s.adopted)).toEqual([false, false]);
  });

  it('gives up after three sends that all end unknown, reporting that the last may have been posted', async () => {
    slack.respond((call) => (call.method === 'chat.postMessage' ? { ...okAnswer(call), drop: 'before-accepting' } : undefined));
    const error = await rejection(postReport(sink(), triageMessage(1), options([])));
    expect(error.maybePosted).toBe(true);
    expect(error.code).toBe('connection_lost');
    expect(posts()).toHaveLength(3);
    expect(slack.posted()).toHaveLength(0);
  });

  it('never sends again when the lookup itself fails', async () => {
    slack.respond((call, n) =>
      n === 0
        ? { ...okAnswer(call), drop: 'before-accepting' }
        : call.method === 'conversations.history'
          ? { body: { ok: false, error: 'missing_scope', needed: 'channels:history' } }
          : undefined,
    );
    const error = await rejection(postReport(sink(), triageMessage(1), options([])));
    expect(error.code).toBe('connection_lost');
    expect(error.maybePosted).toBe(true);
    expect(posts()).toHaveLength(1);
  });

  it('a post without a key cannot be looked up: it stays "may have been posted" and is not sent again', async () => {
    slack.respond((call, n) => (n === 0 ? { ...okAnswer(call), drop: 'before-accepting' } : undefined));
    const error = await rejection(postReport(sink(), triageMessage(0), { ambiguous: { delayMs: 5 } }));
    expect(error.maybePosted).toBe(true);
    expect(slack.calls).toHaveLength(1);
  });
});
