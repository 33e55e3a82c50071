import path from 'node:path';
import { ConfigError, defaultSharedDir, parseConfig, readConfigYaml, timeZoneSchema } from '@ecm/core/domain';
import { z } from 'zod';

export const LLM_CONFIG_FILE = 'config/llm.yaml';
export const ROLES = ['manager', 'specialist', 'field'] as const;
export type Role = (typeof ROLES)[number];

const usd = z.number().nonnegative();
const positiveInt = z.number().int().positive();
const modelId = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a model id such as claude-haiku-4-5');

const modelPriceSchema = z.object({ input_usd_per_mtok: usd, output_usd_per_mtok: usd, min_cacheable_tokens: positiveInt }).strict();
export type ModelPrice = z.infer<typeof modelPriceSchema>;

export const llmConfigSchema = z
  .object({
    models: z.record(modelId, modelPriceSchema).refine((m) => Object.keys(m).length > 0, 'expected at least one model with its prices'),
    cache: z.object({ write_multiplier: usd, read_multiplier: usd }).strict(),
    defaults: z
      .object({
        models: z.object({ manager: modelId, specialist: modelId, field: modelId }).strict(),
        max_output_tokens: positiveInt,
      })
      .strict(),
    budget: z.object({ daily_usd_per_domain: usd, time_zone: timeZoneSchema }).strict(),
    calls: z
      .object({
        timeout_ms: positiveInt,
        max_retries: z.number().int().nonnegative(),
        retry_base_delay_ms: z.number().int().nonnegative(),
        retry_max_delay_ms: z.number().int().nonnegative(),
        circuit_breaker_failures: positiveInt,
      })
      .strict(),
    tools: z.object({ max_result_chars: positiveInt, timeout_ms: positiveInt }).strict(),
    routing: z
      .object({
        from: z.string().min(1),
        to: z.string().min(1),
        min_critical_count: z.number().int().nonnegative(),
        max_per_signature_per_day: positiveInt,
      })
      .strict(),
  })
  .strict();

export type LlmConfig = z.infer<typeof llmConfigSchema> & { readonly file: string };

/** Validates an already-parsed llm.yaml document; `file` names it in errors. */
export function parseLlmConfig(data: unknown, file = LLM_CONFIG_FILE): LlmConfig {
  const config = parseConfig(llmConfigSchema, data, file);
  for (const role of ROLES) {
    const model = config.defaults.models[role];
    if (!config.models[model])
      throw new ConfigError(
        file,
        `defaults.models.${role}`,
        `"${model}" has no price under models (known: ${Object.keys(config.models).join(', ')})`,
      );
  }
  return { ...config, file };
}

/** Reads and validates `shared/config/llm.yaml`. */
export function loadLlmConfig(sharedDir: string = defaultSharedDir()): LlmConfig {
  const file = path.join(sharedDir, LLM_CONFIG_FILE);
  return parseLlmConfig(readConfigYaml(file), file);
}

export function priceOf(config: LlmConfig, model: string): ModelPrice {
  const price = config.models[model];
  if (!price) throw new ConfigError(config.file, `models.${model}`, `missing: model "${model}" is used but has no price`);
  return price;
}
