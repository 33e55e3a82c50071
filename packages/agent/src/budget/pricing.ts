import { priceOf, type LlmConfig } from '../config/llm-config.js';

/** Tokens of one call or one execution; cache writes and reads are billed apart from plain input. */
export interface TokenUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
}

export const NO_USAGE: TokenUsage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };

/** The Messages API's usage block; the cache fields are null or absent when caching did not apply. */
export interface ApiUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
}

export function usageFromApi(u: ApiUsage): TokenUsage {
  return {
    input: u.input_tokens,
    output: u.output_tokens,
    cacheWrite: u.cache_creation_input_tokens ?? 0,
    cacheRead: u.cache_read_input_tokens ?? 0,
  };
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    cacheRead: a.cacheRead + b.cacheRead,
  };
}

/** US dollars for `usage` on `model`, from the price table of llm.yaml. */
export function costOf(config: LlmConfig, model: string, usage: TokenUsage): number {
  const p = priceOf(config, model);
  const inputRate = p.input_usd_per_mtok / 1e6;
  return (
    usage.input * inputRate +
    usage.cacheWrite * inputRate * config.cache.write_multiplier +
    usage.cacheRead * inputRate * config.cache.read_multiplier +
    usage.output * (p.output_usd_per_mtok / 1e6)
  );
}

export const formatUsd = (usd: number) => `$${usd.toFixed(2)}`;
