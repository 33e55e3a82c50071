import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@ecm/core/domain';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../__fixtures__/test-runtime.js';
import { readCredentials } from './credentials.js';
import { loadLlmConfig, parseLlmConfig } from './llm-config.js';
import { chooseModel } from './model-choice.js';

function writeConfig(mutate: (doc: Record<string, any>) => void): string {
  const doc = structuredClone(loadLlmConfig(SHARED_DIR)) as Record<string, any>;
  delete doc.file;
  mutate(doc);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-config-'));
  mkdirSync(path.join(dir, 'config'));
  writeFileSync(path.join(dir, 'config/llm.yaml'), yaml.dump(doc));
  return dir;
}

describe('llm.yaml', () => {
  it('holds the price table and defaults of the design', () => {
    const c = loadLlmConfig(SHARED_DIR);
    expect(c.models['claude-haiku-4-5']).toMatchObject({ input_usd_per_mtok: 1, output_usd_per_mtok: 5 });
    expect(c.models['claude-sonnet-4-5']).toMatchObject({ input_usd_per_mtok: 3, output_usd_per_mtok: 15 });
    expect(c.models['claude-sonnet-4-6']).toMatchObject({ input_usd_per_mtok: 3, output_usd_per_mtok: 15 });
    expect(c.cache).toEqual({ write_multiplier: 1.25, read_multiplier: 0.1 });
    expect(c.defaults.models).toMatchObject({ manager: 'claude-haiku-4-5', specialist: 'claude-sonnet-4-6' });
    expect(c.budget).toEqual({ daily_usd_per_domain: 5, time_zone: 'Asia/Kolkata' });
    expect(c.routing).toMatchObject({ to: 'ecm-diagnose', min_critical_count: 10 });
  });

  it('names the file, the key and the expectation on a bad value', () => {
    const dir = writeConfig((d) => (d.budget.time_zone = 'Mars/Olympus'));
    expect(() => loadLlmConfig(dir)).toThrow(ConfigError);
    expect(() => loadLlmConfig(dir)).toThrow(/llm\.yaml: budget\.time_zone: expected an IANA time zone/);
    expect(() => loadLlmConfig(writeConfig((d) => (d.calls.timeout_ms = -1)))).toThrow(/calls\.timeout_ms: /);
    expect(() => loadLlmConfig(writeConfig((d) => (d.calls.retries = 3)))).toThrow(/calls\.retries: unknown key/);
    expect(() => loadLlmConfig(writeConfig((d) => delete d.budget.daily_usd_per_domain))).toThrow(/budget\.daily_usd_per_domain: missing/);
    expect(() => loadLlmConfig(writeConfig((d) => (d.defaults.models.specialist = 'claude-opus-9')))).toThrow(
      /defaults\.models\.specialist: "claude-opus-9" has no price/,
    );
    expect(() => loadLlmConfig(path.join(os.tmpdir(), 'nowhere-llm'))).toThrow(/file not found/);
  });

  it('chooses models: per-skill env, then role env, then the skill, then the role default', () => {
    const c = parseLlmConfig(Object.fromEntries(Object.entries(loadLlmConfig(SHARED_DIR)).filter(([k]) => k !== 'file')));
    const skill = { name: 'ecm-diagnose', role: 'specialist' as const, model: 'claude-sonnet-4-5' };
    expect(chooseModel(c, { ...skill, model: undefined }, {})).toBe('claude-sonnet-4-6');
    expect(chooseModel(c, skill, {})).toBe('claude-sonnet-4-5');
    expect(chooseModel(c, skill, { ECM_SPECIALIST_MODEL: 'claude-haiku-4-5' })).toBe('claude-haiku-4-5');
    expect(chooseModel(c, skill, { ECM_SPECIALIST_MODEL: 'claude-haiku-4-5', ECM_SKILL_MODEL_ECM_DIAGNOSE: 'claude-sonnet-4-6' })).toBe(
      'claude-sonnet-4-6',
    );
    expect(() => chooseModel(c, skill, { ECM_SKILL_MODEL_ECM_DIAGNOSE: 'gpt-9' })).toThrow(
      /ECM_SKILL_MODEL_ECM_DIAGNOSE: model "gpt-9" has no price/,
    );
  });

  it('reads credentials from the environment', () => {
    expect(readCredentials({})).toEqual({ ok: false, reason: 'no ANTHROPIC_API_KEY set' });
    expect(readCredentials({ ANTHROPIC_AUTH_TOKEN: 'tok', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' })).toEqual({
      ok: true,
      apiKey: null,
      authToken: 'tok',
      baseURL: 'http://127.0.0.1:9',
    });
    expect(readCredentials({ ANTHROPIC_API_KEY: 'key', ANTHROPIC_AUTH_TOKEN: 'tok' })).toMatchObject({ apiKey: 'key', authToken: null });
  });
});
