import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { errorText } from '@ecm/core/text';

/**
 * What to do about a failed model call. Spend limits are never retried: the account is out of
 * money or over its limit, and every further call would fail the same way (and could be billed).
 */
export interface CallFailure {
  readonly kind: 'spend_limit' | 'retryable' | 'fatal';
  readonly message: string;
  readonly status?: number | undefined;
  /** The server's requested wait (retry-after-ms / retry-after), if any. */
  readonly retryAfterMs?: number | undefined;
}

const SPEND_LIMIT_CODES = new Set([
  'enforced_spend_limit_reached',
  'contract_spend_limit_reached',
  'linked_organization_spend_limit_reached',
  'linked_organization_billing_unavailable',
]);

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const s = Number.parseFloat(headers?.get('retry-after') ?? '');
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  return undefined;
}

function isSpendLimit(err: APIError): boolean {
  if (err.errorCode && SPEND_LIMIT_CODES.has(err.errorCode)) return true;
  if (err.status === 402 || err.type === 'billing_error') return true;
  // Older accounts get a 400 with only a message when credit runs out.
  return /credit balance is too low|spend(ing)? limit/i.test(err.apiMessage ?? err.message);
}

export function classifyCallError(err: unknown, timeoutMs: number): CallFailure {
  if (err instanceof APIConnectionTimeoutError) return { kind: 'retryable', message: `request timed out after ${timeoutMs} ms` };
  if (err instanceof APIUserAbortError) return { kind: 'fatal', message: 'request aborted' };
  if (err instanceof APIConnectionError)
    return { kind: 'retryable', message: `connection error: ${err.cause instanceof Error ? err.cause.message : err.message}` };
  if (err instanceof APIError) {
    const status = typeof err.status === 'number' ? err.status : undefined;
    const message = err.apiMessage ? `${status ?? ''} ${err.type ?? 'error'}: ${err.apiMessage}`.trim() : err.message;
    if (isSpendLimit(err)) return { kind: 'spend_limit', message: `spend limit reached: ${message}`, status };
    const shouldRetry = err.headers?.get('x-should-retry');
    const retryable =
      shouldRetry === 'true' ||
      (shouldRetry !== 'false' && status !== undefined && (status === 408 || status === 409 || status === 429 || status >= 500));
    return { kind: retryable ? 'retryable' : 'fatal', message, status, retryAfterMs: retryAfterMs(err.headers) };
  }
  return { kind: 'fatal', message: errorText(err) };
}
