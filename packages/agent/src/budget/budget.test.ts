import { describe, expect, it } from 'vitest';
import { testLlmConfig } from '../__fixtures__/test-runtime.js';
import { startOfDay } from './day-window.js';
import { worstCaseCallCost } from './estimate.js';
import { costOf, usageFromApi } from './pricing.js';

describe('startOfDay', () => {
  it('starts the budget day at midnight in the configured zone', () => {
    expect(startOfDay(new Date('2026-02-17T18:40:00Z'), 'Asia/Kolkata')).toEqual(new Date('2026-02-17T18:30:00Z'));
    expect(startOfDay(new Date('2026-02-17T18:20:00Z'), 'Asia/Kolkata')).toEqual(new Date('2026-02-16T18:30:00Z'));
    // Midnight before a daylight-saving change uses that midnight's offset.
    expect(startOfDay(new Date('2026-03-08T20:00:00Z'), 'America/New_York')).toEqual(new Date('2026-03-08T05:00:00Z'));
  });
});

describe('pricing', () => {
  const llm = testLlmConfig();

  it('prices every token kind per model', () => {
    const usage = usageFromApi({
      input_tokens: 1_000_000,
      output_tokens: 1_000_000,
      cache_creation_input_tokens: 1_000_000,
      cache_read_input_tokens: null,
    });
    expect(usage).toEqual({ input: 1_000_000, output: 1_000_000, cacheWrite: 1_000_000, cacheRead: 0 });
    expect(costOf(llm, 'claude-haiku-4-5', usage)).toBeCloseTo(1 + 5 + 1.25, 10);
    expect(costOf(llm, 'claude-sonnet-4-6', { input: 0, output: 0, cacheWrite: 0, cacheRead: 1_000_000 })).toBeCloseTo(0.3, 10);
    expect(() => costOf(llm, 'claude-unknown', usage)).toThrow(/no price/);
  });

  it('bounds a call by cache-write input at 3 characters per token plus the full output allowance', () => {
    expect(worstCaseCallCost(llm, 'claude-haiku-4-5', 'x'.repeat(3000), 1000)).toBeCloseTo(1000 * 1.25e-6 + 1000 * 5e-6, 12);
  });
});
