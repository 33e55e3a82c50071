import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the CLIs run from the compiled dist/.
    alias: [
      { find: /^@ecm\/agent\/state$/, replacement: fileURLToPath(new URL('./packages/agent/src/state.ts', import.meta.url)) },
      { find: /^@ecm\/agent\/skills$/, replacement: fileURLToPath(new URL('./packages/agent/src/skills/load-skills.ts', import.meta.url)) },
      { find: /^@ecm\/agent\/tracing$/, replacement: fileURLToPath(new URL('./packages/agent/src/tracing/index.ts', import.meta.url)) },
      // @ecm/core has subpaths only (packages/core/package.json "exports"): domain, text, cli-kit, stores, warehouse, slack, demo.
      { find: /^@ecm\/core\/([a-z-]+)$/, replacement: fileURLToPath(new URL('./packages/core/src/$1.ts', import.meta.url)) },
      { find: /^@ecm\/agent$/, replacement: src('agent') },
      { find: /^@ecm\/gateway$/, replacement: src('gateway') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
