import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSheets, type FakeSheets, type SheetsCall } from './__fixtures__/fake-sheets-api.js';
import { openTestStore, ticket } from './__fixtures__/sheets-test-kit.js';
import { checkSheet } from './check-sheet.js';
import { initSheets } from './init-sheets.js';
import { openSheetsTicketStore } from './open-sheets-ticket-store.js';
import { READ_SCOPE, WRITE_SCOPE } from './sheets-auth.js';
import { SheetsConfigError, sheetsSettingsFromEnv } from './sheets-config.js';
import { SheetsApiError } from './sheets-error.js';
import { headerRow, TABS } from './tab-layout.js';

let fake: FakeSheets;
beforeEach(async () => {
  fake = await startFakeSheets({ tabs: { Sheet1: [] } });
});
afterEach(async () => {
  await fake.close();
});

const AGENTS = [
  ['Email', 'Name', 'Team', 'Slack Handle', 'Active', 'Max Tickets', 'On Call'],
  ['asha.ops@example.com', 'Asha Demo', 'Ops', '@asha.ops', 'TRUE', '40', 'mornings'],
];

describe('sheets init', () => {
  it('creates each missing tab with its header row and never touches an existing tab', async () => {
    fake.setTab('Agents', AGENTS);
    fake.setTab('Daily Stats', []);
    fake.setTab('assignments', [
      ['Order ID', 'Status'],
      ['ORD-1', 'OPEN'],
    ]);
    const store = await openTestStore(fake);

    expect(await initSheets(store)).toEqual({
      created: ['Resolutions', 'Escalations', 'Pattern Intelligence', 'Ticket History'],
      headed: ['Daily Stats'],
      kept: ['assignments', 'Agents'],
    });
    expect(fake.tabTitles()).toEqual([
      'Sheet1',
      'Agents',
      'Daily Stats',
      'assignments',
      'Resolutions',
      'Escalations',
      'Pattern Intelligence',
      'Ticket History',
    ]);
    expect(fake.tab('Agents')).toEqual(AGENTS);
    expect(fake.tab('assignments')).toEqual([
      ['Order ID', 'Status'],
      ['ORD-1', 'OPEN'],
    ]);
    expect(fake.tab('Pattern Intelligence')).toEqual([headerRow(TABS.patterns)]);
    expect(fake.tab('Daily Stats')).toEqual([
      ['Date', 'Agent', 'Resolved', 'Avg Time (min)', 'SLA Met %', 'Escalated', 'Assigned', 'Median Time (min)'],
    ]);
    expect(fake.tab('Resolutions')[0]).toEqual([
      'Timestamp',
      'Order ID',
      'Agent',
      'Resolution Notes',
      'Assigned At',
      'Resolution Time (min)',
      'SLA Target (min)',
      'SLA Status',
      'Stuck Reason',
      'Amount',
      'Currency',
      'Diagnosis Match',
      'Action Followed',
      'Resolution Type',
    ]);

    const writesBefore = fake.calls.filter((c) => c.httpMethod === 'POST').length;
    expect(await initSheets(store)).toEqual({
      created: [],
      headed: [],
      kept: ['assignments', 'Agents', 'Resolutions', 'Escalations', 'Pattern Intelligence', 'Daily Stats', 'Ticket History'],
    });
    expect(fake.calls.filter((c) => c.httpMethod === 'POST').length).toBe(writesBefore);
  });

  it('creates the tabs once even when the answer to adding them was lost', async () => {
    let lost = false;
    fake.respond((call) =>
      call.method === 'spreadsheets.batchUpdate' && !lost ? ((lost = true), { status: 500, afterApplying: true }) : undefined,
    );
    const store = await openTestStore(fake);
    expect((await initSheets(store)).created).toEqual([
      'Assignments',
      'Agents',
      'Resolutions',
      'Escalations',
      'Pattern Intelligence',
      'Daily Stats',
      'Ticket History',
    ]);
    expect(fake.tabTitles()).toHaveLength(8);
    expect(fake.tab('Assignments')).toEqual([headerRow(TABS.assignments)]);
  });
});

describe('health: checkSheet', () => {
  it('is ok for an initialised sheet and says what it holds', async () => {
    const store = await openTestStore(fake);
    await initSheets(store);
    await store.createTickets([ticket('ORD-1'), ticket('ORD-2', { status: 'RESOLVED' })]);
    await store.upsertAgents([
      { email: 'asha.ops@example.com', name: 'Asha Demo', team: 'Ops', slack_handle: null, active: true, max_tickets: 40, role: 'agent' },
    ]);
    expect(await checkSheet(store)).toEqual({ ok: true, detail: '"ECM Operations": 7/7 tabs; 2 tickets (1 open); 1 agents (1 active)' });
  });

  it('is not ok when a tab is missing or lacks a column, and names the fix', async () => {
    const store = await openTestStore(fake);
    await initSheets(store);
    fake.setTab('Assignments', [headerRow(TABS.assignments).filter((h) => h !== 'Priority')]);
    const check = await checkSheet(store);
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/"Assignments" lacks "Priority"/);

    const bare = await startFakeSheets({ spreadsheetId: 'bare-sheet', tabs: { Agents: AGENTS } });
    try {
      const result = await checkSheet(await openTestStore(bare));
      expect(result.ok).toBe(false);
      expect(result.detail).toMatch(
        /missing tabs "Assignments", "Resolutions", "Escalations", "Pattern Intelligence", "Daily Stats", "Ticket History": run "ecm-manager sheets init"/,
      );
    } finally {
      await bare.close();
    }
  });

  it('stays ok with unreadable rows but counts them and shows the first', async () => {
    const store = await openTestStore(fake);
    await initSheets(store);
    await store.createTickets([ticket('ORD-1')]);
    fake.setTab('Assignments', [
      ...fake.tab('Assignments'),
      ['ORD-2', 'asha.ops@example.com', '2026-02-17T01:30:00Z', 'waiting', 'P2', 'AED', '1', '1', 'brn_issue', ''],
    ]);
    expect(await checkSheet(store)).toEqual({
      ok: true,
      detail:
        '"ECM Operations": 7/7 tabs; 1 tickets (1 open); 0 agents (0 active); 1 row skipped as unreadable (first: Assignments row 3: Status "waiting" is not one of OPEN, IN_PROGRESS, RESOLVED, ESCALATED)',
    });
  });

  it('explains a wrong spreadsheet id', async () => {
    const store = await openSheetsTicketStore({
      GOOGLE_SHEETS_SPREADSHEET_ID: 'no-such-sheet',
      GOOGLE_OAUTH_ACCESS_TOKEN: 'test-token',
      ECM_SHEETS_API_URL: fake.url,
    });
    expect(await checkSheet(store)).toEqual({
      ok: false,
      detail: expect.stringMatching(/^no such spreadsheet \(check GOOGLE_SHEETS_SPREADSHEET_ID\)/),
    });
  });
});

describe('credentials and scopes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecm-sheets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'service-account.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'example-project',
      private_key_id: 'test-key-1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: 'ecm-sheets@example.com',
      client_id: '100000000000000000001',
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );

  /** The claims of the bearer JWT a call carried, after checking it was signed with the service account's key. */
  const claimsOf = (call: SheetsCall): Record<string, unknown> => {
    const token = /^Bearer (.+)$/.exec(String(call.headers.authorization))![1]!;
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  };

  it('a service account signs reads with the read-only scope and writes with the read-write scope', async () => {
    const store = await openTestStore(fake, { env: { GOOGLE_APPLICATION_CREDENTIALS: keyFile } });
    await initSheets(store);
    fake.calls.length = 0;
    await store.createTickets([ticket('ORD-1')]);
    await store.listTickets();
    expect(fake.calls.map((c) => c.method)).toEqual(['values.batchGet', 'values.append', 'values.batchGet']);
    for (const call of fake.calls) {
      const claims = claimsOf(call);
      expect(claims.iss).toBe('ecm-sheets@example.com');
      expect(claims.scope).toBe(call.httpMethod === 'GET' ? READ_SCOPE : WRITE_SCOPE);
    }
  });

  it('a bearer token (gcloud auth print-access-token, workload identity) is sent as is', async () => {
    const store = await openTestStore(fake, {
      env: { GOOGLE_OAUTH_ACCESS_TOKEN: 'ya29.short-lived', GOOGLE_APPLICATION_CREDENTIALS: keyFile },
    });
    await initSheets(store);
    expect(new Set(fake.calls.map((c) => c.headers.authorization))).toEqual(new Set(['Bearer ya29.short-lived']));
    expect(fake.calls.length).toBeGreaterThan(0);
    expect(fake.calls.every((c) => c.headers['x-goog-user-project'] === undefined)).toBe(true);
  });

  it('a user token can name the project to bill (GOOGLE_CLOUD_QUOTA_PROJECT)', async () => {
    const store = await openTestStore(fake, {
      env: { GOOGLE_OAUTH_ACCESS_TOKEN: 'ya29.user', GOOGLE_CLOUD_QUOTA_PROJECT: 'example-ops-project' },
    });
    await store.listTickets().catch(() => undefined);
    expect(fake.calls.length).toBeGreaterThan(0);
    expect(new Set(fake.calls.map((c) => c.headers['x-goog-user-project']))).toEqual(new Set(['example-ops-project']));
  });

  it('a 403 names the account to share the sheet with', async () => {
    const store = await openTestStore(fake, { env: { GOOGLE_APPLICATION_CREDENTIALS: keyFile } });
    fake.respond(() => ({
      status: 403,
      body: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } },
    }));
    await expect(store.listTickets()).rejects.toThrow(
      /The caller does not have permission; share the sheet with ecm-sheets@example\.com as Editor/,
    );
    expect(await checkSheet(store)).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^no access to the sheet: share it with ecm-sheets@example\.com as Editor/),
    });
  });

  it('stores opened for the same sheet in one process share one write queue', async () => {
    const env = { GOOGLE_SHEETS_SPREADSHEET_ID: fake.spreadsheetId, GOOGLE_OAUTH_ACCESS_TOKEN: 'test-token', ECM_SHEETS_API_URL: fake.url };
    const [a, b] = await Promise.all([openSheetsTicketStore(env), openSheetsTicketStore(env)]);
    expect(a.session.channel).toBe(b.session.channel);
    expect((await openSheetsTicketStore({ ...env, GOOGLE_SHEETS_SPREADSHEET_ID: 'other-sheet' })).session.channel).not.toBe(
      a.session.channel,
    );
  });

  it('a lost connection is retried, then reported', async () => {
    const gone = await startFakeSheets();
    const url = gone.url;
    await gone.close();
    const store = await openSheetsTicketStore(
      { GOOGLE_SHEETS_SPREADSHEET_ID: 'x', GOOGLE_OAUTH_ACCESS_TOKEN: 't', ECM_SHEETS_API_URL: url },
      { retry: { attempts: 3, baseMs: 1, capMs: 1, random: () => 0, sleep: async () => undefined } },
    );
    const err = await store.listTickets().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SheetsApiError);
    expect(err).toMatchObject({ status: null, message: expect.stringMatching(/no answer.*gave up after 3 attempts/s) });
  });
});

describe('settings from the environment', () => {
  it('needs the sheet and one kind of credentials, and says which variables', () => {
    expect(() => sheetsSettingsFromEnv({ GOOGLE_OAUTH_ACCESS_TOKEN: 't' })).toThrow(SheetsConfigError);
    expect(() => sheetsSettingsFromEnv({ GOOGLE_SHEETS_SPREADSHEET_ID: 'abc' })).toThrow(
      /GOOGLE_APPLICATION_CREDENTIALS .* or GOOGLE_OAUTH_ACCESS_TOKEN/,
    );
    expect(() =>
      sheetsSettingsFromEnv({ GOOGLE_SHEETS_SPREADSHEET_ID: 'abc', GOOGLE_OAUTH_ACCESS_TOKEN: 't', ECM_SHEETS_API_URL: 'not a url' }),
    ).toThrow(/ECM_SHEETS_API_URL/);
    expect(() => sheetsSettingsFromEnv({ GOOGLE_SHEETS_SPREADSHEET_ID: 'a b', GOOGLE_OAUTH_ACCESS_TOKEN: 't' })).toThrow(
      /neither a spreadsheet id nor a Google Sheets URL/,
    );
  });

  it('accepts a pasted sheet URL and prefers an explicit token over a key file', () => {
    expect(
      sheetsSettingsFromEnv({
        GOOGLE_SHEETS_SPREADSHEET_ID: 'https://docs.google.com/spreadsheets/d/1AbC-dEf_123/edit#gid=0',
        GOOGLE_OAUTH_ACCESS_TOKEN: ' ya29.token ',
        GOOGLE_APPLICATION_CREDENTIALS: '/etc/ecm/key.json',
        ECM_SHEETS_API_URL: '',
      }),
    ).toEqual({
      spreadsheetId: '1AbC-dEf_123',
      apiUrl: null,
      credentials: { kind: 'access_token', token: 'ya29.token' },
      quotaProject: null,
    });
  });

  it('reports an unreadable key file by path', async () => {
    await expect(
      openSheetsTicketStore({ GOOGLE_SHEETS_SPREADSHEET_ID: 'abc', GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/key.json' }),
    ).rejects.toThrow(/cannot read \/nonexistent\/key\.json/);
  });
});
