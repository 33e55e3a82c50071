import type { KnownBlock } from '@slack/types';

export interface SlackPostRequest {
  /** Defaults to the sink's channel (SLACK_CHANNEL_ID). */
  channel?: string;
  text: string;
  blocks: KnownBlock[];
  /** Posts as a thread reply to this message. */
  threadTs?: string;
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
  authTest?(): Promise<SlackAuthResult>;
}
