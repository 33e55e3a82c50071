import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSharedDir } from '@ecm/core/domain';
import { loadLlmConfig, type LlmConfig } from '../config/llm-config.js';
import { loadSkills } from '../skills/load-skills.js';

export const FIXTURE_SKILLS_DIR = fileURLToPath(new URL('./skills', import.meta.url));
export const BROKEN_SKILLS_DIR = fileURLToPath(new URL('./broken-skills', import.meta.url));
export const SHARED_DIR = path.resolve(fileURLToPath(new URL('../../../../shared', import.meta.url)));
export const GUARDRAILS = '# Test guardrails\n\nOnly facts. The warehouse is read-only.';

/** The project's llm.yaml with fast retries and short timeouts, and any overrides. */
export function testLlmConfig(
  overrides: {
    calls?: Partial<LlmConfig['calls']>;
    budget?: Partial<LlmConfig['budget']>;
    tools?: Partial<LlmConfig['tools']>;
    defaults?: Partial<LlmConfig['defaults']>;
  } = {},
): LlmConfig {
  const base = loadLlmConfig(SHARED_DIR ?? defaultSharedDir());
  return {
    ...base,
    calls: { ...base.calls, timeout_ms: 2000, retry_base_delay_ms: 5, retry_max_delay_ms: 20, ...overrides.calls },
    budget: { ...base.budget, ...overrides.budget },
    tools: { ...base.tools, ...overrides.tools },
    defaults: { ...base.defaults, ...overrides.defaults },
  };
}

export const fixtureSkills = () => loadSkills(FIXTURE_SKILLS_DIR);
