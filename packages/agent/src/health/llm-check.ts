import Anthropic from '@anthropic-ai/sdk';
import { readCredentials } from '../config/credentials.js';
import { chooseModel } from '../config/model-choice.js';
import type { LlmConfig } from '../config/llm-config.js';
import { startOfDay } from '../budget/day-window.js';
import { spentSince } from '../log/execution-log.js';
import type { SqlQueryable } from '../db/sql.js';
import { errorText } from '@ecm/core/text';

export type LlmProbe = { readonly ok: true; readonly model: string; readonly ms: number } | { readonly ok: false; readonly reason: string };

/**
 * An authenticated call that proves the LLM answers: one message of one output token on the
 * manager's model, the same endpoint and credentials the skills use. A dead endpoint, a refused key
 * or an unknown model fails it; a configured key alone proves nothing.
 */
export async function probeLlm(config: LlmConfig, env: NodeJS.ProcessEnv = process.env, timeoutMs = 15_000): Promise<LlmProbe> {
  const credentials = readCredentials(env);
  if (!credentials.ok) return { ok: false, reason: credentials.reason };
  const model = chooseModel(config, { name: 'llm-check', role: 'manager' }, env);
  const client = new Anthropic({
    apiKey: credentials.apiKey,
    authToken: credentials.authToken,
    ...(credentials.baseURL ? { baseURL: credentials.baseURL } : {}),
    maxRetries: 0,
  });
  const started = performance.now();
  try {
    await client.messages.create(
      { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] },
      { timeout: timeoutMs, maxRetries: 0 },
    );
    return { ok: true, model, ms: Math.round(performance.now() - started) };
  } catch (err) {
    const status = err instanceof Anthropic.APIError && err.status ? `HTTP ${err.status}: ` : '';
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return { ok: false, reason: `${status}${errorText(err)}${cause}` };
  }
}

export interface LlmBudgetToday {
  readonly spent_usd: number;
  readonly budget_usd: number;
  readonly exhausted: boolean;
}

/** The domain's LLM spend in the budget's day (llm.yaml budget.time_zone) against its daily budget. */
export async function llmBudgetToday(db: SqlQueryable, config: LlmConfig, domain: string, now: Date): Promise<LlmBudgetToday> {
  const spent = await spentSince(db, domain, startOfDay(now, config.budget.time_zone));
  const budget = config.budget.daily_usd_per_domain;
  return { spent_usd: spent, budget_usd: budget, exhausted: spent >= budget };
}
