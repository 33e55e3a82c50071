import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../bin/ecm-manager.js', import.meta.url));

let home: string;
function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: home, ECM_HOME: home },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const agentEmails = () =>
  (JSON.parse(cli(['agents', 'list', '--all', '--json']).stdout) as { agents: { email: string }[] }).agents.map((a) => a.email).sort();

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-agents-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('ecm-manager agents import: all rows or none', () => {
  it('a duplicate e-mail and an unknown role: exit 3 with both line numbers, nothing stored', () => {
    const csv = path.join(home, 'agents.csv');
    writeFileSync(
      csv,
      [
        'Email,Name,Team,Active,Max Tickets,Role',
        'omar.import@example.com,Omar Import,Ops,TRUE,9,agent',
        '',
        'pia.import@example.com,Pia Import,KYC_ops,TRUE,9,admin',
        'Omar.Import@example.com,Omar Again,VDA_ops,TRUE,5,agent',
        'quinn.import@example.com,Quinn Import,VDA_ops,TRUE,5,supervisor',
      ].join('\n'),
    );
    const r = cli(['agents', 'import', csv]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${csv}: nothing imported`);
    expect(r.stderr).toContain('line 4: role "admin" is not one of agent, supervisor');
    expect(r.stderr).toContain('line 5: omar.import@example.com is already on line 2; keep one row per agent');
    expect(r.stderr).not.toMatch(/Imported/);
    expect(agentEmails()).toEqual([]);
  }, 300_000);

  it('the corrected file imports every row, and says how many were stored', () => {
    const csv = path.join(home, 'agents-fixed.csv');
    writeFileSync(
      csv,
      'Email,Name,Team,Active,Max Tickets,Role\nomar.import@example.com,Omar Import,Ops,TRUE,9,agent\npia.import@example.com,Pia Import,KYC_ops,TRUE,9,supervisor\n',
    );
    const r = cli(['agents', 'import', csv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Imported 2 agents');
    expect(agentEmails()).toEqual(['omar.import@example.com', 'pia.import@example.com']);
  }, 300_000);

  it('agents add refuses a name with control characters or over 100 characters', () => {
    const bell = cli(['agents', 'add', 'rae.new@example.com', '--name', 'Rae\u0007New', '--team', 'Ops']);
    expect(bell.code).toBe(3);
    expect(bell.stderr).toMatch(/--name contains a control character \(U\+0007\)/);
    const long = cli(['agents', 'add', 'rae.new@example.com', '--name', 'R'.repeat(101), '--team', 'Ops']);
    expect(long.code).toBe(3);
    expect(long.stderr).toMatch(/--name is 101 characters; the limit is 100/);
    expect(agentEmails()).not.toContain('rae.new@example.com');
  }, 300_000);
});
