import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the CLIs run from the compiled dist/.
    alias: [
      { find: /^@ecm\/agent\/state$/, replacement: fileURLToPath(new URL('./packages/agent/src/state.ts', import.meta.url)) },
      { find: /^@ecm\/agent\/skills$/, replacement: fileURLToPath(new URL('./packages/agent/src/skills/load-skills.ts', import.meta.url)) },
      { find: /^@ecm\/agent\/domain$/, replacement: fileURLToPath(new URL('./packages/agent/src/config/domain.ts', import.meta.url)) },
      { find: /^@ecm\/agent\/tracing$/, replacement: fileURLToPath(new URL('./packages/agent/src/tracing/index.ts', import.meta.url)) },
      // @ecm/core has subpaths only (packages/core/package.json "exports"): domain, domain-shapes, text, cli-kit, stores, sheets, warehouse, slack, demo.
      { find: /^@ecm\/core\/([a-z-]+)$/, replacement: fileURLToPath(new URL('./packages/core/src/$1.ts', import.meta.url)) },
      { find: /^@ecm\/agent$/, replacement: src('agent') },
      { find: /^@ecm\/gateway$/, replacement: src('gateway') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
    // A hang guard: a test of six CLI runs takes a minute when two workers share two busy cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Builds dist/ when stale and shares seeded demo data across files (see the file).
    globalSetup: ['./vitest.global-setup.ts'],
    setupFiles: ['./vitest.worker-setup.ts'],
    // Most files wait on a spawned CLI or a database now and then: one file more than there are cores
    // keeps the cores busy (vitest's default on two cores is one file). On 2 cores the whole suite took
    // 283 s with 2 files at once, 248 s with 3 and 249 s with 4. ECM_TEST_WORKERS overrides it.
    maxWorkers: Number(process.env.ECM_TEST_WORKERS) || availableParallelism() + 1,
  },
});
