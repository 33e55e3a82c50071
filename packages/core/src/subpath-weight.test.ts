import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadsOf as recordLoads } from './__fixtures__/loads-of.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CORE = path.join(REPO, 'packages/core');
/** The drivers and clients each subpath must not load by being imported: they start databases or networks. */
const HEAVY = {
  pglite: '/@electric-sql/pglite/',
  pg: '/node_modules/pg/',
  sheets: '/@googleapis/sheets/',
  googleAuth: '/google-auth-library/',
  slackWebApi: '/@slack/web-api/',
};

let dir: string;
beforeAll(() => {
  // The subpaths are package exports: compiled files, as every program loads them.
  execFileSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b', 'packages/core'], { cwd: REPO, stdio: 'pipe' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ecm-loads-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Imports `specifier` from @ecm/core's own folder in a fresh process and lists every module it loaded. */
const loadsOf = (specifier: string): string[] => recordLoads(CORE, specifier, dir);

describe('@ecm/core subpaths load only what their purpose needs', () => {
  it('the recorder sees a heavy driver when one is loaded (else the checks below could not fail)', () => {
    const loads = loadsOf('@electric-sql/pglite');
    expect(loads.some((u) => u.includes(HEAVY.pglite))).toBe(true);
  });

  it.each([
    '@ecm/core/text',
    '@ecm/core/cli-kit',
    '@ecm/core/domain',
    '@ecm/core/domain-shapes',
    '@ecm/core/stores',
    '@ecm/core/sheets',
    '@ecm/core/warehouse',
    '@ecm/core/slack',
    '@ecm/core/demo',
  ])('%s loads no database driver, Google or Slack client', (specifier) => {
    const loads = loadsOf(specifier);
    expect(loads.some((u) => u.endsWith(`/dist/${specifier.split('/').at(-1)}.js`))).toBe(true);
    for (const [name, marker] of Object.entries(HEAVY))
      expect(
        loads.filter((u) => u.includes(marker)),
        name,
      ).toEqual([]);
  });

  it('text and cli-kit load nothing outside Node and their own files (not even zod)', () => {
    for (const specifier of ['@ecm/core/text', '@ecm/core/cli-kit']) {
      const foreign = loadsOf(specifier).filter((u) => !u.startsWith('node:') && !u.includes('/packages/core/dist/'));
      expect(foreign, specifier).toEqual([]);
    }
  });

  it('domain-shapes loads neither the configuration loader nor the triage engine (a thin client reads answers with it)', () => {
    const core = loadsOf('@ecm/core/domain-shapes').filter((u) => u.includes('/packages/core/dist/'));
    expect(core.length).toBeGreaterThan(0);
    expect(core.filter((u) => /\/(config|triage\/run-triage|patterns)\//.test(u) || u.includes('/config/'))).toEqual([]);
    expect(core.filter((u) => u.includes('run-triage') || u.includes('load-config'))).toEqual([]);
  });

  it('the package has no root export: weight is chosen by subpath', () => {
    expect(() => loadsOf('@ecm/core')).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED|No "exports" main defined/);
  });
});
