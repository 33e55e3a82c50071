import type { KnownBlock } from '@slack/types';

export interface SlackPostRequest {
  /** Defaults to the sink's channel (SLACK_CHANNEL_ID). */
  channel?: string;
  text: string;
  blocks: KnownBlock[];
  /** Posts as a thread reply to this message. */
  threadTs?: string;
  /** Which run and which of its messages this is: sent as Slack message metadata so a re-run can find it. */
  key?: PostKey;
}

/** Identifies one post of one run: `messageKey` is `<message index>` for a parent, `<index>.<reply n>` for a reply. */
export interface PostKey {
  runKey: string;
  messageKey: string;
}

/** Slack message metadata's event type for our posts (`metadata.event_type`). */
export const POST_EVENT_TYPE = 'ecm_post';

export interface FindPostRequest {
  key: PostKey;
  /** Set for a thread reply: look in this thread. */
  threadTs?: string;
  /** The post cannot be older than this (when its intent was recorded), which bounds the search. */
  since: Date;
  channel?: string;
}

export interface SlackAuthResult {
  ok: boolean;
  team?: string;
  user?: string;
  /** Why the check failed, with what to do. */
  error?: string;
}

/** Where phases post: Slack itself, or the local outbox when no bot token is configured. */
export interface SlackSink {
  readonly kind: 'slack' | 'outbox';
  /** Posts one message; resolves once it is posted, with its `ts` (the parent of later replies). */
  postMessage(request: SlackPostRequest): Promise<{ ts: string }>;
  /**
   * Finds a message this sink posted with `key` (after a crash between sending and recording it),
   * so that a re-run adopts it instead of posting it twice. Null when it is certainly not there.
   */
  findPosted(request: FindPostRequest): Promise<{ ts: string } | null>;
  authTest?(): Promise<SlackAuthResult>;
}
