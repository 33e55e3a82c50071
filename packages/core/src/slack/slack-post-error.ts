/**
 * A post that failed. `maybePosted` is the one thing an operator must know before re-running:
 * false means Slack certainly did not post it; true means the request may have reached Slack
 * (it timed out or the connection dropped mid-way), so check the channel first.
 */
export class SlackPostError extends Error {
  constructor(
    message: string,
    /** Slack's error code (`channel_not_found`), or `http_<status>`, `timeout`, `unreachable`, `rate_limited`. */
    readonly code: string,
    readonly maybePosted: boolean,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SlackPostError';
  }
}

const TOKEN_PROBLEM =
  'SLACK_BOT_TOKEN is not a working bot token: reinstall the Slack app to the workspace and set SLACK_BOT_TOKEN to its current xoxb- token';

/** What to do about each `ok:false` error chat.postMessage can return. */
const WHAT_TO_DO: Record<string, string> = {
  channel_not_found:
    'the channel does not exist or the bot cannot see it: check SLACK_CHANNEL_ID (a channel ID such as C0123456789, not a name) and invite the bot to a private channel',
  not_in_channel: 'the bot is not a member of the channel: invite it there (/invite @your-bot) and re-run',
  is_archived: 'the channel is archived: unarchive it or point SLACK_CHANNEL_ID at another channel',
  invalid_auth: TOKEN_PROBLEM,
  not_authed: TOKEN_PROBLEM,
  token_revoked: TOKEN_PROBLEM,
  token_expired: TOKEN_PROBLEM,
  account_inactive: TOKEN_PROBLEM,
  missing_scope:
    'the bot token lacks a scope it needs (chat:write to post; channels:history, or groups:history for a private channel, to check whether a post interrupted by a crash arrived): add it under OAuth & Permissions, reinstall the app and update SLACK_BOT_TOKEN',
  restricted_action: 'a workspace admin restricts who can post in this channel: allow the app or choose another channel',
  invalid_blocks: 'Slack rejected the message layout: run without SLACK_BOT_TOKEN to inspect it in the outbox and report it as a defect',
  invalid_blocks_format:
    'Slack rejected the message layout: run without SLACK_BOT_TOKEN to inspect it in the outbox and report it as a defect',
  msg_too_long: 'the message is longer than Slack accepts: report it as a defect (reports must stay within Slack limits)',
  ratelimited: 'Slack is rate-limiting this app: wait a few minutes and re-run',
};

export function explainSlackError(code: string): string {
  return WHAT_TO_DO[code] ?? 'see https://docs.slack.dev/reference/methods/chat.postMessage#errors for what it means';
}
