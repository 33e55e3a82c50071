import type { LlmConfig } from '../config/llm-config.js';
import { classifyCallError, type CallFailure } from './api-errors.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { ModelClient, ModelRequest, ModelResponse } from './model-client.js';

export type CallResult =
  | { readonly ok: true; readonly response: ModelResponse; readonly attempts: number }
  | { readonly ok: false; readonly failure: CallFailure; readonly attempts: number };

export interface CallDeps {
  readonly client: ModelClient;
  readonly calls: LlmConfig['calls'];
  readonly breaker: CircuitBreaker;
  readonly sleep: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal | undefined;
}

/** Exponential backoff, or the server's retry-after, capped by configuration. */
function retryDelay(calls: LlmConfig['calls'], retry: number, failure: CallFailure): number {
  const backoff = calls.retry_base_delay_ms * 2 ** retry;
  return Math.min(failure.retryAfterMs ?? backoff, calls.retry_max_delay_ms);
}

/** One model call with a timeout per attempt, bounded retries and the run's circuit breaker. */
export async function callModel(deps: CallDeps, request: ModelRequest): Promise<CallResult> {
  const { calls, breaker } = deps;
  let attempts = 0;
  for (;;) {
    if (breaker.open) return { ok: false, failure: { kind: 'fatal', message: breaker.reason! }, attempts };
    attempts += 1;
    try {
      const response = await deps.client.create(request, { timeoutMs: calls.timeout_ms, signal: deps.signal });
      breaker.recordSuccess();
      return { ok: true, response, attempts };
    } catch (err) {
      const failure = classifyCallError(err, calls.timeout_ms);
      if (failure.kind === 'spend_limit') {
        breaker.trip(failure.message);
        return { ok: false, failure, attempts };
      }
      if (failure.kind === 'retryable' && attempts <= calls.max_retries) {
        await deps.sleep(retryDelay(calls, attempts - 1, failure));
        continue;
      }
      breaker.recordFailure(failure.message);
      return { ok: false, failure, attempts };
    }
  }
}
