import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the benchmark small, through bench/run.mjs as `pnpm bench` does: the lines must be
// complete, and the older per-order way must triage exactly like the product's one query (an
// independent formulation of stuck_candidates.sql, so a change to either shows up here).
const here = path.dirname(fileURLToPath(import.meta.url));

describe('bench classify', () => {
  it('prints an engine and a baseline line that agree, with one round trip for the engine', () => {
    const run = spawnSync(
      process.execPath,
      [path.join(here, 'run.mjs'), '--only', 'classify', '--no-record', '--warehouse', 'pglite', '--orders', '3000', '--runs', '1'],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.bench, l.warehouse, l.orders, l.approach])).toEqual([
      ['classify', 'pglite', 3000, 'engine'],
      ['classify', 'pglite', 3000, 'baseline'],
    ]);
    const [engine, baseline] = lines as [Record<string, number | boolean>, Record<string, number | boolean>];
    expect(engine.round_trips).toBe(1);
    expect(engine.candidates).toBeGreaterThan(10);
    expect(engine.ms).toBeGreaterThan(0);
    expect(engine.peak_rss_mb).toBeGreaterThan(10);
    expect(baseline.candidates).toBe(engine.candidates);
    expect(baseline.round_trips).toBe(1 + Math.ceil((engine.candidates as number) / 10));
    expect(baseline.same_result).toBe(true);
    expect(baseline.ratio).toBeCloseTo((baseline.ms as number) / (engine.ms as number), 0);
  });
});
