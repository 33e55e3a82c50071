import { checkSlackLimits, SlackLimitError } from './slack-limits.js';
import type { SlackMessage } from './slack-message.js';
import type { SlackSink } from './slack-sink.js';

/** Progress after one successful post: persist it, and a crashed run resumes from here. */
export interface PostProgress {
  /** ts of the main message (the thread parent). */
  parentTs: string;
  /** Thread replies posted so far (0 right after the main message). */
  postedReplies: number;
  totalReplies: number;
  /** ts of the message just posted. */
  ts: string;
}

export interface PostReportOptions {
  channel?: string;
  /** The main message was already posted with this ts: resume the thread. */
  parentTs?: string;
  /** How many thread replies were already posted under parentTs. */
  postedReplies?: number;
  /** Called after every successful post; if it throws, posting stops (progress never runs ahead of what is saved). */
  onPosted?: (step: PostProgress) => Promise<void>;
}

export interface PostedReport {
  parentTs: string;
  /** ts of the replies posted by this call. */
  replyTs: string[];
  totalReplies: number;
}

/**
 * Posts a report: the main message, then each thread reply in order, reporting progress after each.
 * Checks Slack's limits first, so a message that would be rejected halfway posts nothing at all.
 */
export async function postReport(
  sink: SlackSink,
  message: SlackMessage,
  options: PostReportOptions = {},
): Promise<PostedReport> {
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
  const channel = options.channel !== undefined ? { channel: options.channel } : {};
  const report = async (step: PostProgress) => options.onPosted?.(step);

  let parentTs = options.parentTs;
  if (!parentTs) {
    const { ts } = await sink.postMessage({ ...channel, text: message.text, blocks: message.blocks });
    parentTs = ts;
    await report({ parentTs, postedReplies: 0, totalReplies, ts });
  }
  const replyTs: string[] = [];
  for (let i = already; i < totalReplies; i++) {
    const reply = message.thread[i] as SlackMessage['thread'][number];
    const { ts } = await sink.postMessage({ ...channel, text: reply.text, blocks: reply.blocks, threadTs: parentTs });
    replyTs.push(ts);
    await report({ parentTs, postedReplies: i + 1, totalReplies, ts });
  }
  return { parentTs, replyTs, totalReplies };
}
