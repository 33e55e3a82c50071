import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSheets } from '../../core/src/tickets/sheets/__fixtures__/fake-sheets-api.js';
import { acquireFileLock } from '@ecm/core/stores';
import { seededCliHome } from './__fixtures__/demo-home.js';
import { runNode } from './__fixtures__/run-node.js';

const CLI = fileURLToPath(new URL('../bin/ecm-manager.js', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));
const AS_OF = '2026-02-17T01:30:00Z';

let home: string;
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: home, ECM_HOME: home, ...extra });
function cli(args: string[], extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: env(extra), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** For tests whose fake server lives in this process: spawnSync would block the server from answering. */
const cliAsync = (args: string[], extra: Record<string, string> = {}) => runNode(CLI, args, env(extra));

beforeAll(async () => {
  home = await seededCliHome('ecm-cli-');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('ecm-manager stuck', () => {
  it('--json prints exactly one object with the promised fields', () => {
    const r = cli(['stuck', '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { as_of: string; orders: Record<string, unknown>[]; summary: { actionable: number } };
    expect(out.as_of).toBe('2026-02-17T01:30:00.000Z');
    expect(out.orders.length).toBe(out.summary.actionable);
    for (const key of [
      'order_id',
      'currency',
      'send_amount',
      'amount_aed',
      'hours',
      'category',
      'stuck_reason',
      'team',
      'score',
      'priority',
      'factors',
      'high_value',
      'monitor_only',
      'disqualified',
    ]) {
      expect(out.orders[0]).toHaveProperty(key);
    }
    const scores = out.orders.map((o) => o.score as number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(out.orders.length).toBeGreaterThan(0);
    expect(out.orders.every((o) => o.disqualified === null && o.monitor_only === false)).toBe(true);
  });

  it('--all adds disqualified and monitor-only orders with their reason; filters narrow', () => {
    const all = JSON.parse(cli(['stuck', '--as-of', AS_OF, '--json', '--all']).stdout) as {
      orders: { disqualified: string | null; monitor_only: boolean; team: string }[];
    };
    expect(all.orders.some((o) => o.disqualified !== null)).toBe(true);
    expect(all.orders.some((o) => o.monitor_only)).toBe(true);
    const kyc = JSON.parse(cli(['stuck', '--as-of', AS_OF, '--json', '--team', 'KYC_ops']).stdout) as { orders: { team: string }[] };
    expect(kyc.orders.length).toBeGreaterThan(0);
    expect(kyc.orders.every((o) => o.team === 'KYC_ops')).toBe(true);
  });

  it('the table fits an 80-column terminal and CSV has a header row', () => {
    const table = cli(['stuck', '--as-of', AS_OF]);
    expect(table.stdout.trim().split('\n').length).toBeGreaterThan(1);
    expect(table.stdout.split('\n').every((line) => [...line].length <= 80)).toBe(true);
    const csv = cli(['stuck', '--as-of', AS_OF, '--csv']).stdout.trim().split('\n');
    expect(csv[0]).toBe(
      'order_id,priority,score,currency,send_amount,amount_aed,hours,category,stuck_reason,team,high_value,monitor_only,disqualified,action',
    );
    expect(csv.length).toBeGreaterThan(1);
  });

  it('waits while another program holds the embedded stores, then answers; health calls them busy meanwhile', async () => {
    const other = acquireFileLock('ecm-gateway --http on test-host pid 1 since now', { ECM_HOME: home });
    let released = false;
    try {
      const health = cli(['health', '--json']);
      const checks = (JSON.parse(health.stdout) as { checks: { name: string; level: string; detail: string }[] }).checks;
      expect(checks.find((c) => c.name === 'warehouse')).toMatchObject({
        level: 'ok',
        detail: expect.stringMatching(/^busy: ecm-gateway --http/),
      });
      const stuck = cliAsync(['stuck', '--as-of', AS_OF, '--json']);
      await new Promise((r) => setTimeout(r, 1_500));
      released = true;
      await other.release();
      const r = await stuck;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('waiting for ecm-gateway --http on test-host pid 1 since now to finish');
      expect(JSON.parse(r.stdout)).toHaveProperty('summary');
    } finally {
      if (!released) await other.release();
    }
  });

  it('bad input: exit 3 with a message saying what was expected', () => {
    const team = cli(['stuck', '--team', 'Sales']);
    expect(team.code).toBe(3);
    expect(team.stderr).toContain('expected one of Ops, KYC_ops, VDA_ops');
    expect(cli(['stuck', '--as-of', 'yesterday']).code).toBe(3);
    expect(cli(['stuck', '--bogus']).code).toBe(3);
  });

  it('a broken configuration file stops everything with exit 3 naming file and key', () => {
    const shared = mkdtempSync(path.join(os.tmpdir(), 'ecm-shared-'));
    try {
      cpSync(SHARED, shared, { recursive: true });
      const file = path.join(shared, 'config', 'ecm.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('high_value_aed: 5000', 'high_value_aed: lots'));
      const r = cli(['daily', '--as-of', AS_OF], { ECM_SHARED_DIR: shared });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`${file}: high_value_aed: `);
      expect(r.stderr).toMatch(/expected number/i);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});

describe('ecm-manager agents', () => {
  it('add, list, deactivate and import (all rows or none)', () => {
    expect(cli(['agents', 'add', 'nina.new@example.com', '--name', 'Nina New', '--team', 'VDA_ops', '--max', '7']).code).toBe(0);
    const listed = JSON.parse(cli(['agents', 'list', '--json']).stdout) as {
      agents: { email: string; max_tickets: number; active: boolean }[];
    };
    expect(listed.agents.find((a) => a.email === 'nina.new@example.com')?.max_tickets).toBe(7);
    expect(cli(['agents', 'deactivate', 'nina.new@example.com']).code).toBe(0);
    expect(
      (JSON.parse(cli(['agents', 'list', '--json']).stdout) as { agents: { email: string }[] }).agents.some(
        (a) => a.email === 'nina.new@example.com',
      ),
    ).toBe(false);
    expect(cli(['agents', 'deactivate', 'nobody@example.com']).code).toBe(1);

    const csv = path.join(home, 'agents.csv');
    writeFileSync(
      csv,
      'Name,Email,Team,Active,Max Tickets,Notes\n Omar Import ,omar.import@example.com,kyc_ops,yes,9,extra column\nBad Row,not-an-email,Ops,TRUE,5,\n',
    );
    const refused = cli(['agents', 'import', csv]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('line 3');
    writeFileSync(csv, 'Name,Email,Team,Active,Max Tickets\n Omar Import ,omar.import@example.com,kyc_ops,yes,9\n');
    expect(cli(['agents', 'import', csv]).code).toBe(0);
    const after = JSON.parse(cli(['agents', 'list', '--json']).stdout) as { agents: { email: string; team: string; name: string }[] };
    expect(after.agents.find((a) => a.email === 'omar.import@example.com')).toMatchObject({ team: 'KYC_ops', name: 'Omar Import' });
  });
});

describe('ecm-manager health and schedule', () => {
  it('health --json reports every check and exits by status', () => {
    const r = cli(['health', '--json']);
    const out = JSON.parse(r.stdout) as { status: string; checks: { name: string; level: string }[] };
    expect(out.checks.map((c) => c.name)).toEqual(['warehouse', 'state store', 'ticket store', 'slack', 'llm', 'schedule']);
    expect(r.code).toBe(out.status === 'healthy' ? 0 : out.status === 'degraded' ? 1 : 2);
    const down = cli(['health', '--json'], { ECM_WAREHOUSE_URL: 'postgres://ecm@127.0.0.1:9/none' });
    expect(down.code).toBe(2);
    expect((JSON.parse(down.stdout) as { status: string }).status).toBe('down');
  });

  it('schedule --k8s prints the committed manifest', () => {
    const r = cli(['schedule', '--k8s']);
    expect(r.stdout).toBe(readFileSync(fileURLToPath(new URL('../../../deploy/k8s/cronjobs.yaml', import.meta.url)), 'utf8'));
  });

  it('--help teaches, and exits 0', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes: 0 ok');
    expect(cli(['daily', '--help']).stdout).toContain('--dry-run');
  });
});

describe('the Google Sheet as the ticket store', () => {
  it('three variables and `sheets init`, then the daily run writes its tickets into the sheet', async () => {
    const fake = await startFakeSheets();
    try {
      const sheets = {
        ECM_DEMO: '1',
        ECM_TICKETS: 'sheets',
        GOOGLE_SHEETS_SPREADSHEET_ID: fake.spreadsheetId,
        GOOGLE_OAUTH_ACCESS_TOKEN: 'ya29.test',
        ECM_SHEETS_API_URL: fake.url,
      };
      const init = await cliAsync(['sheets', 'init', '--json'], sheets);
      expect(init.code, init.stderr).toBe(0);
      expect(fake.tabTitles()).toEqual(
        expect.arrayContaining(['Assignments', 'Agents', 'Resolutions', 'Escalations', 'Pattern Intelligence', 'Daily Stats']),
      );
      expect(fake.tab('Assignments')[0]!.slice(0, 3)).toEqual(['Order ID', 'Assigned Agent', 'Assigned At']);
      // A second init changes nothing.
      const again = JSON.parse((await cliAsync(['sheets', 'init', '--json'], sheets)).stdout) as { created: string[] };
      expect(again.created).toEqual([]);

      expect((await cliAsync(['agents', 'import', path.join(SHARED, 'demo', 'agents.csv')], sheets)).code).toBe(0);
      const daily = await cliAsync(['daily', '--as-of', AS_OF, '--json'], sheets);
      expect(daily.code, daily.stderr).toBe(0);
      const triage = (
        JSON.parse(daily.stdout) as { phases: { phase: string; facts: { assignments: { order_id: string }[] } }[] }
      ).phases.find((p) => p.phase === 'triage')!;
      const rows = fake
        .tab('Assignments')
        .slice(1)
        .map((r) => r[0])
        .sort();
      expect(rows).toEqual(triage.facts.assignments.map((a) => a.order_id).sort());
      expect(fake.tab('Pattern Intelligence').length).toBeGreaterThan(1);

      const health = JSON.parse((await cliAsync(['health', '--json'], sheets)).stdout) as { checks: { name: string; level: string }[] };
      expect(health.checks.find((c) => c.name === 'sheet')?.level).toBe('ok');
    } finally {
      await fake.close();
    }
  }, 240_000);
});
