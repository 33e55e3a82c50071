import { priceOf, type LlmConfig } from '../config/llm-config.js';

/** Typical English and JSON text runs at about 4 characters per token. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);
/** Dense JSON and digits can run near 3 characters per token: the pessimistic bound used for budgets. */
export const worstCaseTokens = (text: string) => Math.ceil(text.length / 3);

/**
 * The most one call can cost: every input token billed as a cache write (the dearest input rate)
 * and the full output allowance used.
 */
export function worstCaseCallCost(config: LlmConfig, model: string, requestText: string, maxOutputTokens: number): number {
  const p = priceOf(config, model);
  const inputRate = (p.input_usd_per_mtok / 1e6) * Math.max(1, config.cache.write_multiplier);
  return worstCaseTokens(requestText) * inputRate + maxOutputTokens * (p.output_usd_per_mtok / 1e6);
}
