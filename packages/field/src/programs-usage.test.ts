import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, FIELD_BIN, MANAGER_BIN, REPO } from './__fixtures__/run-cli.js';

/** The three ECM programs, each with its package's manifest: one command-line contract for all. */
const PROGRAMS = [
  { name: 'ecm-manager', bin: MANAGER_BIN, manifest: path.join(REPO, 'packages/manager/package.json') },
  { name: 'ecm-field', bin: FIELD_BIN, manifest: path.join(REPO, 'packages/field/package.json') },
  {
    name: 'ecm-gateway',
    bin: path.join(REPO, 'packages/gateway/bin/ecm-gateway.js'),
    manifest: path.join(REPO, 'packages/gateway/package.json'),
  },
] as const;

let home: string;
beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-usage-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function run(bin: string, args: readonly string[]) {
  return spawnSync(process.execPath, [bin, ...args], { env: cliEnv(home), cwd: home, encoding: 'utf8', timeout: 60_000 });
}

describe.each(PROGRAMS)('$name on the command line', ({ name, bin, manifest }) => {
  it('--version prints the package version and nothing else, exit 0', () => {
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    const r = run(bin, ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('--help documents the exit codes, 3 for usage among them', () => {
    const r = run(bin, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 failed/);
    expect(r.stdout).toMatch(/3 bad configuration or usage/);
  });

  it.each([
    ['an unknown flag', ['--no-such-flag'], /no-such-flag/],
    ['an unknown command', ['frobnicate'], /frobnicate/],
  ])('%s: exit 3, saying what was wrong and to run --help', (_what, args, wrong) => {
    const r = run(bin, args);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(wrong);
    expect(r.stderr).toContain(`run ${name} --help`);
    expect(r.stdout).toBe('');
  });
});

describe('a bad argument to a command is a usage error too', () => {
  it.each([
    ['ecm-manager', MANAGER_BIN, ['stuck', '--as-of', 'yesterday']],
    ['ecm-field', FIELD_BIN, ['my-tickets', '--as-of', 'yesterday', '--agent', 'asha.ops@example.com']],
    ['ecm-gateway', PROGRAMS[2].bin, ['--port', 'eighty']],
  ])('%s: exit 3 and what was expected', (_name, bin, args) => {
    const r = run(bin, args);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/--as-of "yesterday" is not a time|--port must be a port number/);
  });
});

describe('a wait setting that is not a number of seconds stops a command before it opens a store', () => {
  it.each([
    ['ecm-manager', MANAGER_BIN, ['stuck']],
    ['ecm-field', FIELD_BIN, ['my-tickets', '--agent', 'asha.ops@example.com']],
    ['ecm-gateway', PROGRAMS[2].bin, ['tokens', 'list']],
  ])('%s: exit 3 naming ECM_LOCK_WAIT_SECONDS', (name, bin, args) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      env: cliEnv(home, { ECM_LOCK_WAIT_SECONDS: '15s' }),
      cwd: home,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr).toContain(`${name}: ECM_LOCK_WAIT_SECONDS: expected a number of seconds from 0 to 3600, got "15s"`);
    expect(r.stdout).toBe('');
  });
});
