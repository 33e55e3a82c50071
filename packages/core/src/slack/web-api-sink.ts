import { setTimeout as sleep } from 'node:timers/promises';
import type { WebAPICallError, WebClient } from '@slack/web-api';

/**
 * @slack/web-api's ErrorCode values. Mirrored as plain strings so that loading this module does not
 * load the Slack client (about 150 ms): it is imported on the first post only.
 */
const ErrorCode = {
  RequestError: 'slack_webapi_request_error',
  HTTPError: 'slack_webapi_http_error',
  PlatformError: 'slack_webapi_platform_error',
  RateLimitedError: 'slack_webapi_rate_limited_error',
} as const;
import { z } from 'zod';
import { explainSlackError, SlackPostError } from './slack-post-error.js';
import { POST_EVENT_TYPE, type FindPostRequest, type SlackAuthResult, type SlackPostRequest, type SlackSink } from './slack-sink.js';
import { errorText } from '../text/error-text.js';

export interface WebApiSinkOptions {
  token: string;
  channel: string;
  /** Slack Web API base URL (SLACK_API_URL); defaults to https://slack.com/api/. */
  slackApiUrl?: string;
  /** Per-request timeout in ms (default 20 s). */
  timeoutMs?: number;
  /** Retries after the first attempt, spent only where a retry cannot double-post (default 3). */
  retries?: number;
  /** Back-off before the first 5xx/unreachable retry, doubled for each further one (default 1 s). */
  retryDelayMs?: number;
  /** A 429 asking to wait longer than this fails the post instead of stalling the run (default 60 s). */
  maxRetryAfterSec?: number;
}

/**
 * Why WebClient's own retries are off (`retryConfig.retries = 0`, `rejectRateLimitedCalls = true`):
 * its loop (p-retry in WebClient.makeRequest) retries every failed request except an `ok:false`
 * answer — including a client-side timeout or a dropped connection, where Slack may already have
 * posted the message. A retry there would post it twice. So this sink decides per failure:
 *  - 429: wait Retry-After seconds, retry (Slack rejected the call, nothing was posted);
 *  - HTTP 5xx other than 504: back off and retry (Slack's guidance: the call failed, nothing was posted);
 *  - the connection could not be opened (refused, DNS): back off and retry (nothing was sent);
 *  - `ok:false` (channel_not_found, invalid_auth, …): never retried, reported with what to do;
 *  - timeout, HTTP 504 (gateway timeout) or connection lost after sending: not retried, reported as "may have been posted",
 *    so the operator checks the channel; the caller's saved progress then re-posts at most that one message.
 */
export class WebApiSink implements SlackSink {
  readonly kind = 'slack' as const;
  private client: Promise<WebClient> | null = null;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryAfterSec: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: WebApiSinkOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
    this.maxRetryAfterSec = options.maxRetryAfterSec ?? 60;
  }

  private webClient(): Promise<WebClient> {
    this.client ??= import('@slack/web-api').then(
      ({ WebClient, LogLevel }) =>
        new WebClient(this.options.token, {
          ...(this.options.slackApiUrl ? { slackApiUrl: this.options.slackApiUrl } : {}),
          timeout: this.timeoutMs,
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          logLevel: LogLevel.ERROR,
        }),
    );
    return this.client;
  }

  async postMessage(request: SlackPostRequest): Promise<{ ts: string }> {
    const channel = request.channel ?? this.options.channel;
    const what = `chat.postMessage to ${channel}${request.threadTs ? ` (thread ${request.threadTs})` : ''}`;
    const client = await this.webClient();
    const result = await this.call(what, false, () =>
      client.chat.postMessage({
        channel,
        text: request.text,
        blocks: request.blocks,
        ...(request.threadTs ? { thread_ts: request.threadTs } : {}),
        // The run key and message key travel with the message, so a re-run can find it (findPosted).
        ...(request.key
          ? {
              metadata: {
                event_type: POST_EVENT_TYPE,
                event_payload: { run_key: request.key.runKey, message_key: request.key.messageKey },
              },
            }
          : {}),
      }),
    );
    const parsed = postedSchema.safeParse(result);
    if (!parsed.success) {
      throw new SlackPostError(`Slack accepted ${what} but returned no message ts`, 'bad_response', true, 1);
    }
    return { ts: parsed.data.ts };
  }

  /**
   * Looks for our message by its metadata: conversations.history for a main message,
   * conversations.replies for a thread reply, from a little before the recorded intent (clocks differ).
   * Reading is idempotent, so lookups retry timeouts too; a lookup that fails throws, and nothing is re-sent.
   */
  async findPosted(request: FindPostRequest): Promise<{ ts: string } | null> {
    const channel = request.channel ?? this.options.channel;
    const oldest = (request.since.getTime() / 1000 - LOOKUP_SKEW_SEC).toFixed(6);
    const client = await this.webClient();
    let cursor: string | undefined;
    for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
      const args = { channel, oldest, inclusive: true, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
      const what = request.threadTs
        ? `conversations.replies in ${channel} (thread ${request.threadTs})`
        : `conversations.history of ${channel}`;
      const raw = await this.call(what, true, () =>
        request.threadTs ? client.conversations.replies({ ...args, ts: request.threadTs }) : client.conversations.history(args),
      );
      const parsed = historySchema.safeParse(raw);
      if (!parsed.success) throw new SlackPostError(`Slack answered ${what} without a message list`, 'bad_response', false, 1);
      const match = parsed.data.messages.find(
        (m) =>
          m.metadata?.event_type === POST_EVENT_TYPE &&
          m.metadata.event_payload?.run_key === request.key.runKey &&
          m.metadata.event_payload.message_key === request.key.messageKey &&
          // conversations.replies lists the parent first; a reply must be in the thread, not be it.
          (!request.threadTs || m.ts !== request.threadTs),
      );
      if (match) return { ts: match.ts };
      cursor = parsed.data.response_metadata?.next_cursor || undefined;
      if (!parsed.data.has_more || !cursor) return null;
    }
    throw new SlackPostError(
      `could not finish searching ${channel} for the post ${request.key.messageKey} of ${request.key.runKey} (more than ${LOOKUP_MAX_PAGES} pages since ${request.since.toISOString()}): check the channel before re-running`,
      'lookup_incomplete',
      true,
      1,
    );
  }

  async authTest(): Promise<SlackAuthResult> {
    try {
      const client = await this.webClient();
      const result = authSchema.parse(await this.call('auth.test', true, () => client.auth.test()));
      return { ok: true, ...(result.team ? { team: result.team } : {}), ...(result.user ? { user: result.user } : {}) };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  }

  /** Runs one Web API call under the retry rules above; `idempotent` calls may also retry timeouts. */
  private async call<T>(what: string, idempotent: boolean, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const verdict = this.classify(error, what, idempotent);
        if (verdict.retry === undefined || attempt > this.retries) {
          const exhausted = verdict.retry !== undefined ? ` (gave up after ${attempt} attempts)` : '';
          throw new SlackPostError(`${verdict.message}${exhausted}`, verdict.code, verdict.maybePosted, attempt, {
            cause: error,
          });
        }
        await sleep(verdict.retry === 'backoff' ? this.retryDelayMs * 2 ** (attempt - 1) : verdict.retry);
      }
    }
  }

  private classify(error: unknown, what: string, idempotent: boolean): Verdict {
    if (!isWebApiError(error)) {
      return { code: 'unexpected', maybePosted: true, message: `${what} failed unexpectedly: ${String(error)}` };
    }
    switch (error.code) {
      case ErrorCode.PlatformError:
        return platformVerdict(error, what);
      case ErrorCode.RateLimitedError:
        return this.rateLimitVerdict(error.retryAfter, what);
      case ErrorCode.HTTPError:
        return this.httpVerdict(error.statusCode, what, idempotent);
      case ErrorCode.RequestError:
        return this.requestVerdict(error.original, what, idempotent);
      default:
        return { code: 'unexpected', maybePosted: true, message: `${what} failed: ${String(error)}` };
    }
  }

  /** A short wait is waited out; a long one is not: nothing was posted, so a later re-run is safe. */
  private rateLimitVerdict(retryAfter: number, what: string): Verdict {
    return retryAfter <= this.maxRetryAfterSec
      ? { code: 'rate_limited', maybePosted: false, message: `Slack rate-limited ${what}`, retry: retryAfter * 1000 }
      : {
          code: 'rate_limited',
          maybePosted: false,
          message: `Slack rate-limited ${what} for ${retryAfter}s (more than ${this.maxRetryAfterSec}s): nothing was posted, re-run later`,
        };
  }

  private httpVerdict(statusCode: number, what: string, idempotent: boolean): Verdict {
    if (statusCode === 504) {
      // A gateway timeout: Slack's backend may have posted before the gateway gave up.
      return {
        code: 'http_504',
        maybePosted: true,
        message: `Slack answered HTTP 504 (gateway timeout) to ${what}: the message may have been posted — check the channel before re-running`,
        ...(idempotent ? { retry: 'backoff' as const } : {}),
      };
    }
    return statusCode >= 500
      ? {
          code: `http_${statusCode}`,
          maybePosted: false,
          message: `Slack answered HTTP ${statusCode} to ${what}: nothing was posted, Slack may be having an outage (https://slack-status.com)`,
          retry: 'backoff',
        }
      : {
          code: `http_${statusCode}`,
          maybePosted: false,
          message: `Slack answered HTTP ${statusCode} to ${what}: check SLACK_API_URL (${this.options.slackApiUrl ?? 'https://slack.com/api/'})`,
        };
  }

  /** No HTTP answer: a connection never made posted nothing; a timeout or a dropped connection may have. */
  private requestVerdict(original: Error, what: string, idempotent: boolean): Verdict {
    if (original.name === 'TimeoutError' || original.name === 'AbortError') {
      return {
        code: 'timeout',
        maybePosted: true,
        message: `Slack did not answer ${what} within ${this.timeoutMs / 1000}s: the message may have been posted — check the channel before re-running`,
        ...(idempotent ? { retry: 'backoff' as const } : {}),
      };
    }
    if (CONNECT_FAILURES.has(causeCode(original) ?? '')) {
      return {
        code: 'unreachable',
        maybePosted: false,
        message: `Could not reach Slack at ${this.options.slackApiUrl ?? 'https://slack.com/api/'} (${causeCode(original)}): nothing was posted — check the network or SLACK_API_URL`,
        retry: 'backoff',
      };
    }
    return {
      code: 'connection_lost',
      maybePosted: true,
      message: `The connection to Slack failed during ${what} (${causeCode(original) ?? original.message}): the message may have been posted — check the channel before re-running`,
      ...(idempotent ? { retry: 'backoff' as const } : {}),
    };
  }
}

/** Slack answered and refused: nothing was posted; the message names the scope a missing permission needs. */
function platformVerdict(error: { data: { error: string } }, what: string): Verdict {
  const slackCode = error.data.error;
  const scope = neededScopeSchema.safeParse(error.data);
  const needed = scope.success ? ` (needed: ${scope.data.needed})` : '';
  return { code: slackCode, maybePosted: false, message: `Slack refused ${what}: ${slackCode}${needed} — ${explainSlackError(slackCode)}` };
}

interface Verdict {
  code: string;
  maybePosted: boolean;
  message: string;
  /** Set when a retry cannot double-post: wait this many ms, or back off exponentially. */
  retry?: number | 'backoff';
}

/** Slack's clock and ours may differ; the lookup starts this much before the recorded intent. */
const LOOKUP_SKEW_SEC = 300;
const LOOKUP_MAX_PAGES = 50;

const historySchema = z
  .object({
    ok: z.literal(true),
    messages: z.array(
      z
        .object({
          ts: z.string(),
          metadata: z
            .object({
              event_type: z.string(),
              event_payload: z.object({ run_key: z.string().optional(), message_key: z.string().optional() }).loose().optional(),
            })
            .loose()
            .optional(),
        })
        .loose(),
    ),
    has_more: z.boolean().optional(),
    response_metadata: z.object({ next_cursor: z.string().optional() }).loose().optional(),
  })
  .loose();

const postedSchema = z.object({ ok: z.literal(true), ts: z.string().min(1) });
const neededScopeSchema = z.object({ needed: z.string() });
const authSchema = z.object({ ok: z.literal(true), team: z.string().optional(), user: z.string().optional() });

/** Failures while opening the connection: the request never left this machine. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(error: Error): string | undefined {
  const cause: unknown = error.cause;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return undefined;
}

const WEB_API_CODES = new Set<string>(Object.values(ErrorCode));

function isWebApiError(error: unknown): error is WebAPICallError {
  return error instanceof Error && 'code' in error && WEB_API_CODES.has(String(error.code));
}
