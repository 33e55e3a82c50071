import { setTimeout as sleep } from 'node:timers/promises';
import { checkSlackLimits, SlackLimitError } from './slack-limits.js';
import type { SlackMessage } from './slack-message.js';
import { SlackPostError } from './slack-post-error.js';
import type { PostKey, SlackPostRequest, SlackSink } from './slack-sink.js';

/** Progress after one successful post: persist it, and a crashed run resumes from here. */
export interface PostProgress {
  /** ts of the main message (the thread parent). */
  parentTs: string;
  /** Thread replies posted so far (0 right after the main message). */
  postedReplies: number;
  totalReplies: number;
  /** ts of the message just posted. */
  ts: string;
  /** True when the message was found already posted (by a run that died before recording it) and adopted. */
  adopted: boolean;
}

/** The post about to be sent: 0 is the main message, n is thread reply n (1-based). */
export interface PostIntent {
  post: number;
  key?: PostKey;
}

export interface PostReportOptions {
  channel?: string;
  /** The main message was already posted with this ts: resume the thread. */
  parentTs?: string;
  /** How many thread replies were already posted under parentTs. */
  postedReplies?: number;
  /**
   * The run and message this report is: every post carries `<runKey>` and `<messageKey>` (replies
   * `<messageKey>.<n>`) as Slack message metadata, which is what makes adopting a lost post possible.
   */
  runKey?: string;
  messageKey?: string;
  /**
   * An earlier attempt recorded the intent to send this post (0 = main, n = reply n) at `since` but
   * not its ts: it may have reached Slack, so look it up and adopt it before sending it again.
   */
  pending?: { post: number; since: Date };
  /** Called before each post is sent; record the intent here. If it throws, nothing more is sent. */
  beforePost?: (intent: PostIntent) => Promise<void>;
  /** Called after every successful post; if it throws, posting stops (progress never runs ahead of what is saved). */
  onPosted?: (step: PostProgress) => Promise<void>;
  /**
   * A keyed post whose outcome is unknown (timeout, HTTP 504, connection lost) is looked up after
   * `delayMs` and adopted if there, sent again only if the lookup says it is not: at most `attempts`
   * sends in all (default 3, 1 s).
   */
  ambiguous?: { attempts?: number; delayMs?: number };
}

export interface PostedReport {
  parentTs: string;
  /** ts of the replies posted by this call. */
  replyTs: string[];
  totalReplies: number;
}

const AMBIGUOUS_ATTEMPTS = 3;
const AMBIGUOUS_DELAY_MS = 1_000;

/** The key of post `post` (0 = main message, n = reply n) of a message. */
export function postKeyOf(runKey: string, messageKey: string, post: number): PostKey {
  return { runKey, messageKey: post === 0 ? messageKey : `${messageKey}.${post}` };
}

/** A report that would be rejected halfway, or a resume point that cannot be right, posts nothing at all. */
function assertPostable(message: SlackMessage, options: PostReportOptions): void {
  const violations = checkSlackLimits(message);
  if (violations.length > 0) throw new SlackLimitError(message.title, violations);
  const totalReplies = message.thread.length;
  const already = options.postedReplies ?? 0;
  if (!Number.isInteger(already) || already < 0 || already > totalReplies) {
    throw new RangeError(`postedReplies must be a whole number from 0 to ${totalReplies}, got ${already}`);
  }
  if (already > 0 && !options.parentTs) {
    throw new RangeError('postedReplies without parentTs: the thread parent of the posted replies is unknown');
  }
}

type PostBody = { text: string; blocks: SlackMessage['blocks'] };
type Where = { channel?: string; threadTs?: string };

/**
 * Posts a keyed or unkeyed request. A keyed post whose outcome is unknown ("may have been posted") is
 * looked up before it is tried again; only a failure that says nothing was posted is thrown at once.
 */
async function postOrAdopt(
  sink: SlackSink,
  request: SlackPostRequest,
  key: PostKey | undefined,
  where: Where,
  options: PostReportOptions,
): Promise<{ ts: string; adopted: boolean }> {
  const since = new Date();
  const attempts = Math.max(1, options.ambiguous?.attempts ?? AMBIGUOUS_ATTEMPTS);
  for (let attempt = 1; ; attempt++) {
    try {
      const { ts } = await sink.postMessage(request);
      return { ts, adopted: false };
    } catch (error) {
      // Only a keyed post can be looked up; an unkeyed one, or the last attempt, stays "may have been posted".
      if (!key || !(error instanceof SlackPostError) || !error.maybePosted || attempt >= attempts) throw error;
      await sleep(options.ambiguous?.delayMs ?? AMBIGUOUS_DELAY_MS);
      // Never a blind re-send: if the lookup fails, the original error stands.
      const found = await sink.findPosted({ key, since, ...where }).catch(() => {
        throw error;
      });
      if (found) return { ts: found.ts, adopted: true };
    }
  }
}

/** Sends post `post`, unless an earlier attempt that died before recording it already did. */
async function send(
  sink: SlackSink,
  options: PostReportOptions,
  post: number,
  body: PostBody,
  threadTs?: string,
): Promise<{ ts: string; adopted: boolean }> {
  const key =
    options.runKey !== undefined && options.messageKey !== undefined ? postKeyOf(options.runKey, options.messageKey, post) : undefined;
  const channel = options.channel !== undefined ? { channel: options.channel } : {};
  const where: Where = { ...channel, ...(threadTs ? { threadTs } : {}) };
  if (key && options.pending?.post === post) {
    const found = await sink.findPosted({ key, since: options.pending.since, ...where });
    if (found) return { ts: found.ts, adopted: true };
  }
  await options.beforePost?.({ post, ...(key ? { key } : {}) });
  return postOrAdopt(sink, { ...channel, ...body, ...(threadTs ? { threadTs } : {}), ...(key ? { key } : {}) }, key, where, options);
}

/**
 * Posts a report: the main message, then each thread reply in order, reporting progress after each.
 * Checks Slack's limits first, so a message that would be rejected halfway posts nothing at all.
 */
export async function postReport(sink: SlackSink, message: SlackMessage, options: PostReportOptions = {}): Promise<PostedReport> {
  assertPostable(message, options);
  const totalReplies = message.thread.length;
  const report = async (step: PostProgress) => options.onPosted?.(step);
  let parentTs = options.parentTs;
  if (!parentTs) {
    const { ts, adopted } = await send(sink, options, 0, { text: message.text, blocks: message.blocks });
    parentTs = ts;
    await report({ parentTs, postedReplies: 0, totalReplies, ts, adopted });
  }
  const replyTs: string[] = [];
  for (let i = options.postedReplies ?? 0; i < totalReplies; i++) {
    const reply = message.thread[i] as SlackMessage['thread'][number];
    const { ts, adopted } = await send(sink, options, i + 1, { text: reply.text, blocks: reply.blocks }, parentTs);
    replyTs.push(ts);
    await report({ parentTs, postedReplies: i + 1, totalReplies, ts, adopted });
  }
  return { parentTs, replyTs, totalReplies };
}
