import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSharedDir } from '@ecm/core/domain';

const CLI = fileURLToPath(new URL('../../bin/ecm-manager.js', import.meta.url));
const FIXTURE_DOMAINS = fileURLToPath(new URL('./__fixtures__/domains', import.meta.url));
const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-serve-cmd-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function serve(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, 'serve', ...args], {
    env: { PATH: process.env.PATH, HOME: home, ECM_HOME: home, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: r.status, stderr: r.stderr.trim() };
}

describe('ecm-manager serve refuses to start on bad configuration, with one clear message (exit 3)', () => {
  it('a broken domain.yaml names the file, the key and what was expected', () => {
    const dir = path.join(home, 'domains');
    cpSync(FIXTURE_DOMAINS, dir, { recursive: true });
    const file = path.join(dir, 'refunds/domain.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('daily_budget_usd: 1', 'daily_budget_usd: -2'));
    const r = serve([], {
      ECM_DOMAINS_DIR: [path.join(defaultSharedDir(), 'domains'), dir].join(path.delimiter),
      ECM_STATE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`bad configuration: ${file}: guardrails.daily_budget_usd: expected US dollars above 0`);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });

  it('a port that is not a port, from --port or PORT', () => {
    expect(serve(['--port', 'http'], {})).toMatchObject({
      code: 3,
      stderr: expect.stringContaining('--port: expected a port number 0–65535, got "http"'),
    });
    expect(serve([], { PORT: '99999' })).toMatchObject({
      code: 3,
      stderr: expect.stringContaining('PORT: expected a port number 0–65535, got "99999"'),
    });
  });

  it('without a shared state store', () => {
    const r = serve(['--port', '0'], {});
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('serve needs ECM_STATE_URL');
  });

  it('without a warehouse of its own: the embedded demo warehouse admits one process at a time', () => {
    const r = serve(['--port', '0'], { ECM_STATE_URL: 'postgres://nobody@127.0.0.1:1/none', ECM_DEMO: '1' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('serve needs ECM_WAREHOUSE_URL');
  });
});
