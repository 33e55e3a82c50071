import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../bin/ecm-manager.js', import.meta.url));
const SECRET = 's3cr3t';
// Nothing listens on port 1: every connection fails at once, and each failure path has the URL at hand.
const URL_WITH_PASSWORDS = `postgres://u:${SECRET}@127.0.0.1:1/x?password=${SECRET}&sslpassword=${SECRET}`;

let home: string;
function cli(args: string[], extra: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: home, ECM_HOME: home, ...extra },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-secrets-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('a password in a connection string never leaves a program', () => {
  const both = { ECM_WAREHOUSE_URL: URL_WITH_PASSWORDS, ECM_STATE_URL: URL_WITH_PASSWORDS };

  it.each([
    ['test', ['test']],
    ['test --json', ['test', '--json']],
    ['health', ['health']],
    ['health --json', ['health', '--json']],
  ])('ecm-manager %s', (_name, args) => {
    const r = cli(args, both);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/127\.0\.0\.1:1/); // the failing connection is still named
    expect(r.out).not.toContain(SECRET);
  });

  it('a command that cannot open the state store', () => {
    const r = cli(['agents', 'list'], both);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/state store/);
    expect(r.out).not.toContain(SECRET);
  });

  it('a failing daily: stderr and the error alert (outbox) name the warehouse without its password', () => {
    const r = cli(['daily', '--as-of', '2026-02-17T01:30:00Z'], { ECM_WAREHOUSE_URL: URL_WITH_PASSWORDS });
    expect(r.code).not.toBe(0);
    expect(r.out).not.toContain(SECRET);
    const outbox = path.join(home, 'outbox');
    const alerts = readdirSync(outbox).map((f) => readFileSync(path.join(outbox, f), 'utf8'));
    const alert = alerts.find((a) => /ECM Manager Error/.test(a));
    expect(alert).toBeDefined();
    expect(alert).toMatch(/127\.0\.0\.1/);
    expect(alerts.join('\n')).not.toContain(SECRET);
  });
});
