import { z } from 'zod';
import { ecmHome } from '../ecm-home.js';
import { OutboxSink } from './outbox-sink.js';
import type { SlackSink } from './slack-sink.js';
import { WebApiSink } from './web-api-sink.js';

/** An unset variable and an empty one mean the same. */
const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const slackEnvSchema = z.object({
  SLACK_BOT_TOKEN: optional,
  SLACK_CHANNEL_ID: optional,
  SLACK_API_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
});

/** A Slack setting that makes posting impossible; named so the operator can fix it. */
export class SlackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlackConfigError';
  }
}

/**
 * Chooses where reports go: Slack when SLACK_BOT_TOKEN and SLACK_CHANNEL_ID are set (SLACK_API_URL
 * overrides the API base), otherwise the outbox under ECM_HOME. A token without a channel is an
 * error rather than a silent fallback: someone meant to post to Slack.
 */
export function openSlackSink(
  env: NodeJS.ProcessEnv,
  options: { out: NodeJS.WritableStream; timeoutMs?: number; retries?: number; retryDelayMs?: number },
): SlackSink {
  const parsed = slackEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new SlackConfigError(`SLACK_API_URL must be an http(s) URL such as https://slack.com/api/ (${parsed.error.issues[0]?.message})`);
  }
  const { SLACK_BOT_TOKEN: token, SLACK_CHANNEL_ID: channel, SLACK_API_URL: slackApiUrl } = parsed.data;
  if (!token) return new OutboxSink({ home: ecmHome(env), out: options.out });
  if (!channel) {
    throw new SlackConfigError(
      'SLACK_BOT_TOKEN is set but SLACK_CHANNEL_ID is not: set it to the channel ID (e.g. C0123456789), or unset the token to write to the outbox',
    );
  }
  return new WebApiSink({
    token,
    channel,
    ...(slackApiUrl ? { slackApiUrl } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  });
}
