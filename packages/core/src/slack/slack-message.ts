import type { KnownBlock } from '@slack/types';

/** One Slack post: `text` is the notification fallback (mrkdwn, so data in it must be escaped too). */
export interface SlackPost {
  text: string;
  blocks: KnownBlock[];
}

/**
 * What every phase renders into: a main message plus thread replies, posted in order.
 * `kind: 'error'` marks the error alert, which has a tighter length limit (under 500 characters).
 */
export interface SlackMessage extends SlackPost {
  title: string;
  thread: SlackPost[];
  kind?: 'report' | 'error';
  /**
   * Where it goes when not the report channel: a team channel, the critical channel or a direct message
   * (resolved when the plan is made, so a resumed run posts to the same place).
   */
  channel?: string;
}
