import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TicketRuleError } from '../ticket-store.js';
import { startFakeSheets, type FakeSheets } from './__fixtures__/fake-sheets-api.js';
import { minutesAfter, openTestStore, ticket, T0 } from './__fixtures__/sheets-test-kit.js';
import { initSheets } from './init-sheets.js';
import { SheetLayoutError } from './sheets-error.js';
import type { SheetsTicketStore } from './sheets-ticket-store.js';
import { TABS } from './tab-layout.js';
import { agentCodec, parseTab } from './tab-records.js';
import { tableOf } from './tab-table.js';

/** The Assignments tab after a few weeks of people: columns moved, one of their own added, blank rows, lower case. */
const HAND_EDITED_ASSIGNMENTS = [
  [
    ' STATUS ',
    'Order ID',
    'Assigned Agent (email)',
    'Comments',
    'Assigned At',
    'Priority',
    'Currency',
    'Amount',
    'Hours Stuck',
    'Diagnosis',
    'Notes',
  ],
  [
    ' in progress ',
    ' ORD-1 ',
    ' Asha.Ops@Example.com ',
    'called the partner twice',
    '2026-02-17 01:30',
    'p1',
    'aed',
    '1,234.50',
    '30.5',
    'brn_issue',
    'Get the BRN',
  ],
  ['', '', '', '', '', '', '', '', '', '', ''],
  ['Resolved', 'ORD-2', 'bilal.ops@example.com', '', '2026-02-16T22:00:00+05:30', 'P3', 'GBP', '88', '13', 'stuck_at_vda_partner', ''],
  ['done?', 'ORD-3', 'bilal.ops@example.com', '', '2026-02-17T01:30:00Z', 'P2', 'EUR', '10', '20', 'stuck_at_lulu', ''],
  ['OPEN', 'ORD-4', 'not an email', '', '2026-02-17T01:30:00Z', 'P2', 'EUR', '10', '20', 'stuck_at_lulu', ''],
  ['OPEN', '', 'asha.ops@example.com', 'someone typed a note in the wrong row', '', '', '', '', '', '', ''],
  ['OPEN', 'ORD-1', 'chen.ops@example.com', 'copy-pasted twice', '2026-02-17T01:30:00Z', 'P1', 'AED', '1', '1', 'brn_issue', ''],
  ['OPEN', 'ORD-5', 'asha.ops@example.com', '', 'yesterday morning', 'P2', 'AED', '10', '20', 'brn_issue', ''],
  [
    'ESCALATED',
    'ORD-6',
    'asha.ops@example.com',
    '',
    '2026-02-17T01:30:00Z',
    'P4',
    'AED',
    'lots',
    '20',
    'brn_issue',
    '',
    'stray cell past the header',
  ],
];

const HAND_EDITED_AGENTS = [
  ['Email', 'Team', 'Name', 'Active', 'Slack Handle', 'Role', 'Desk', 'Max Tickets'],
  ['asha.ops@example.com', 'Ops', 'Asha Demo', 'TRUE', '@asha.ops', '', 'Dubai', '40'],
  [' Bilal.Ops@Example.com ', 'ops', 'Bilal Sample', 'yes', '', 'agent', '', ''],
  ['farah.kyc@example.com', 'kyc_ops', '', 'true', '@farah.kyc', 'Supervisor ', '', ' 30 '],
  ['gopal.kyc@example.com', 'KYC_ops', 'Gopal Sample', 'no'],
  [],
  ['ivan.vda@example.com', 'Sales', 'Ivan Demo', 'TRUE', '', '', '', ''],
  ['jaya.vda@example.com', 'VDA_ops', 'Jaya Sample', 'maybe', '', '', '', ''],
];

let fake: FakeSheets;
let store: SheetsTicketStore;

beforeEach(async () => {
  fake = await startFakeSheets({ tabs: { Assignments: HAND_EDITED_ASSIGNMENTS, Agents: HAND_EDITED_AGENTS } });
  store = await openTestStore(fake);
  await initSheets(store);
});
afterEach(async () => {
  await fake.close();
});

describe('reading a hand-edited sheet', () => {
  it('maps columns by header name and forgives case, spaces, separators and time zones', async () => {
    const tickets = await store.listTickets();
    expect(tickets).toEqual(
      [
        {
          order_id: 'ORD-1',
          agent_email: 'asha.ops@example.com',
          assigned_at: '2026-02-17T01:30:00.000Z',
          status: 'IN_PROGRESS',
          priority: 'P1',
          currency: 'AED',
          amount: 1234.5,
          hours_stuck: 30.5,
          diagnosis: 'brn_issue',
          notes: 'Get the BRN',
          updated_at: '2026-02-17T01:30:00.000Z',
        },
        {
          order_id: 'ORD-2',
          agent_email: 'bilal.ops@example.com',
          assigned_at: '2026-02-16T16:30:00.000Z',
          status: 'RESOLVED',
          priority: 'P3',
          currency: 'GBP',
          amount: 88,
          hours_stuck: 13,
          diagnosis: 'stuck_at_vda_partner',
          notes: '',
          updated_at: '2026-02-16T16:30:00.000Z',
        },
      ].sort((a, b) => a.assigned_at.localeCompare(b.assigned_at)),
    );
    expect(await store.listTickets({ agentEmail: 'ASHA.OPS@example.com', statuses: ['IN_PROGRESS'] })).toHaveLength(1);
  });

  it('reports each row it cannot understand with tab, row and why, and skips it', async () => {
    await store.listTickets();
    expect(store.problems()).toEqual([
      { tab: 'Assignments', row: 5, why: expect.stringMatching(/Status "done\?" is not one of OPEN, IN_PROGRESS, RESOLVED, ESCALATED/) },
      { tab: 'Assignments', row: 6, why: expect.stringMatching(/Assigned Agent "not an email" is not an e-mail address/) },
      { tab: 'Assignments', row: 7, why: expect.stringMatching(/Order ID is blank/) },
      { tab: 'Assignments', row: 8, why: 'duplicate of row 2; the first row is used' },
      { tab: 'Assignments', row: 9, why: expect.stringMatching(/Assigned At "yesterday morning" is not a date/) },
      { tab: 'Assignments', row: 10, why: expect.stringMatching(/Amount "lots" is not a number/) },
    ]);
  });

  it('reads the Agents tab like the CSV import: yes/true/TRUE, team case, optional Role, default Max Tickets', async () => {
    const agents = await store.listAgents();
    expect(agents).toEqual([
      {
        email: 'farah.kyc@example.com',
        name: 'farah.kyc@example.com',
        team: 'KYC_ops',
        slack_handle: '@farah.kyc',
        active: true,
        max_tickets: 30,
        role: 'supervisor',
      },
      {
        email: 'gopal.kyc@example.com',
        name: 'Gopal Sample',
        team: 'KYC_ops',
        slack_handle: null,
        active: false,
        max_tickets: 10,
        role: 'agent',
      },
      {
        email: 'asha.ops@example.com',
        name: 'Asha Demo',
        team: 'Ops',
        slack_handle: '@asha.ops',
        active: true,
        max_tickets: 40,
        role: 'agent',
      },
      {
        email: 'bilal.ops@example.com',
        name: 'Bilal Sample',
        team: 'Ops',
        slack_handle: null,
        active: true,
        max_tickets: 10,
        role: 'agent',
      },
    ]);
    expect(store.problems().filter((p) => p.tab === 'Agents')).toEqual([
      { tab: 'Agents', row: 7, why: 'Team "Sales" is not one of Ops, KYC_ops, VDA_ops' },
      { tab: 'Agents', row: 8, why: 'Active "maybe" is not TRUE or FALSE' },
    ]);
  });

  it('follows a tab renamed while the store is open (case and spaces do not matter)', async () => {
    expect(await store.listTickets()).toHaveLength(2);
    fake.renameTab('Assignments', ' assignments ');
    expect(await store.listTickets()).toHaveLength(2);
    expect(fake.calls.filter((c) => c.status === 400)).toHaveLength(1);
  });

  it('reads numbers and booleans that the API returns typed (UNFORMATTED_VALUE)', () => {
    // The real API answers 1234.5 and true, not "1234.5" and "TRUE"; the fake stores text, so check the mapping directly.
    const table = tableOf(TABS.agents, 'Agents', [
      ['Email', 'Name', 'Team', 'Active', 'Max Tickets'],
      ['asha.ops@example.com', 'Asha', 'Ops', false, 12],
    ]);
    expect(parseTab(table, agentCodec(10)).records[0]?.record).toMatchObject({ active: false, max_tickets: 12 });
    // An Agents tab with only the three columns the CSV import requires reads with the defaults.
    const minimal = tableOf(TABS.agents, 'Agents', [
      ['Email', 'Name', 'Team'],
      ['asha.ops@example.com', 'Asha', 'Ops'],
    ]);
    expect(parseTab(minimal, agentCodec(7)).records[0]?.record).toEqual({
      email: 'asha.ops@example.com',
      name: 'Asha',
      team: 'Ops',
      slack_handle: null,
      active: true,
      max_tickets: 7,
      role: 'agent',
    });
  });
});

describe('writing into a hand-edited sheet', () => {
  it('appends in the sheet’s own column order, inserting rows, and leaves every existing row as it was', async () => {
    const before = fake.tab('Assignments');
    const result = await store.createTickets([ticket('ORD-7'), ticket('ORD-3'), ticket('ORD-1'), ticket('ORD-4')]);
    // ORD-3 and ORD-4 have rows people broke: they are still "already there", never written a second time.
    expect(result).toEqual({ created: ['ORD-7'], skipped: ['ORD-3', 'ORD-1', 'ORD-4'] });
    const after = fake.tab('Assignments');
    expect(after).toHaveLength(before.length + 1);
    const added = after.find((r) => r[1] === 'ORD-7')!;
    expect(added.slice(0, 11)).toEqual([
      'OPEN',
      'ORD-7',
      'asha.ops@example.com',
      '',
      T0.toISOString(),
      'P2',
      'AED',
      '5250.75',
      '30.5',
      'brn_issue',
      'Get the BRN for 5250.75 AED (CHECKOUT) and push it to Lulu',
    ]);
    // Every earlier row is still there, unchanged and in the same order (the new one was inserted, not written over).
    expect(after.filter((r) => r !== added)).toEqual(before);
    expect((await store.getTicket('ORD-7'))?.status).toBe('OPEN');
  });

  it('changes only the Status cell of the order’s row (no Updated At column in this sheet)', async () => {
    const before = fake.tab('Assignments');
    const t = await store.setTicketStatus('ORD-1', 'asha.ops@example.com', 'OPEN', new Date(minutesAfter(20)));
    expect(t).toMatchObject({ status: 'OPEN', updated_at: T0.toISOString() });
    const after = fake.tab('Assignments');
    expect(after[1]).toEqual(['OPEN', ...before[1]!.slice(1)]);
    expect(after.slice(2)).toEqual(before.slice(2));
    const writes = fake.calls.filter((c) => c.method === 'values.batchUpdate').at(-1)!;
    expect(writes.ranges).toEqual(["'Assignments'!A2"]);
  });

  it('refuses to change a row it cannot read, and does not touch it', async () => {
    const before = fake.tab('Assignments');
    await expect(store.setTicketStatus('ORD-3', 'bilal.ops@example.com', 'IN_PROGRESS', new Date(minutesAfter(5)))).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/row 5 .* "done\?"/),
    });
    await expect(store.setTicketStatus('ORD-9', 'bilal.ops@example.com', 'IN_PROGRESS', new Date(minutesAfter(5)))).rejects.toBeInstanceOf(
      TicketRuleError,
    );
    expect(fake.tab('Assignments')).toEqual(before);
  });

  it('updates an agent in place by e-mail, appends a new one, and keeps the columns the product does not know', async () => {
    await store.upsertAgents([
      {
        email: 'Bilal.Ops@example.com',
        name: 'Bilal Sample',
        team: 'VDA_ops',
        slack_handle: '@bilal',
        active: false,
        max_tickets: 12,
        role: 'agent',
      },
      {
        email: 'kofi.vda@example.com',
        name: 'Kofi Example',
        team: 'VDA_ops',
        slack_handle: null,
        active: true,
        max_tickets: 25,
        role: 'supervisor',
      },
    ]);
    const rows = fake.tab('Agents');
    expect(rows[0]).toEqual(HAND_EDITED_AGENTS[0]);
    expect(rows[1]).toEqual(HAND_EDITED_AGENTS[1]);
    // Email cell as the person typed it; the rest rewritten; "Desk" untouched.
    expect(rows[2]).toEqual([' Bilal.Ops@Example.com ', 'VDA_ops', 'Bilal Sample', 'FALSE', '@bilal', 'agent', '', '12']);
    expect(rows.find((r) => r[0] === 'kofi.vda@example.com')).toEqual([
      'kofi.vda@example.com',
      'VDA_ops',
      'Kofi Example',
      'TRUE',
      '',
      'supervisor',
      '',
      '25',
    ]);
    expect(await store.setAgentActive('GOPAL.kyc@example.com', true)).toBe(true);
    expect(fake.tab('Agents').find((r) => r[0] === 'gopal.kyc@example.com')?.[3]).toBe('TRUE');
  });

  it('refuses to write into a tab that lacks a column it needs, naming the column', async () => {
    fake.setTab('Assignments', [HAND_EDITED_ASSIGNMENTS[0]!.filter((h) => h !== 'Priority')]);
    await expect(store.createTickets([ticket('ORD-8')])).rejects.toThrow(SheetLayoutError);
    await expect(store.createTickets([ticket('ORD-8')])).rejects.toThrow(/lacks the column "Priority"/);
    expect(fake.tab('Assignments')).toHaveLength(1);
  });
});
