import { describe, expect, it } from 'vitest';
import { columnLetters, quoteTitle, rowRange } from './a1.js';
import { CellError, code, email, flag, numberCell, team, timestamp, wholeNumber } from './cell-parsers.js';
import { normalizeHeader, TABS } from './tab-layout.js';
import { tableOf } from './tab-table.js';

describe('cells people typed', () => {
  it('reads statuses and priorities whatever the case, spacing or separator', () => {
    const statuses = ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'ESCALATED'] as const;
    expect([' open ', 'In Progress', 'in-progress', 'IN_PROGRESS', 'resolved'].map((s) => code(s, statuses, 'Status'))).toEqual([
      'OPEN',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'RESOLVED',
    ]);
    expect(() => code('closed', statuses, 'Status')).toThrow(
      new CellError('Status "closed" is not one of OPEN, IN_PROGRESS, RESOLVED, ESCALATED'),
    );
    expect(() => code('', statuses, 'Status')).toThrow(CellError);
  });

  it('reads TRUE/true/yes/1 and FALSE/false/no/0, and a blank cell as the default', () => {
    expect(['TRUE', 'true', ' yes ', 'Y', '1'].map((v) => flag(v, 'Active', false))).toEqual([true, true, true, true, true]);
    expect(['FALSE', 'false', 'No', 'n', '0'].map((v) => flag(v, 'Active', true))).toEqual([false, false, false, false, false]);
    expect(flag('  ', 'Active', true)).toBe(true);
    expect(() => flag('sometimes', 'Active', true)).toThrow('Active "sometimes" is not TRUE or FALSE');
  });

  it('reads numbers with thousands separators and refuses words', () => {
    expect(numberCell(' 1,234.50 ', 'Amount')).toBe(1234.5);
    expect(numberCell('-3', 'Amount')).toBe(-3);
    expect(() => numberCell('', 'Amount')).toThrow('Amount "" is not a number');
    expect(() => numberCell('12 AED', 'Amount')).toThrow(CellError);
    expect(wholeNumber('10', 'Max Tickets')).toBe(10);
    expect(() => wholeNumber('2.5', 'Max Tickets')).toThrow('is not a whole number');
  });

  it('reads ISO timestamps with any offset, and a date-time without a zone as UTC', () => {
    expect(timestamp('2026-02-17T07:00:00.000Z', 'At')).toBe('2026-02-17T07:00:00.000Z');
    expect(timestamp('2026-02-17T12:30:00+05:30', 'At')).toBe('2026-02-17T07:00:00.000Z');
    expect(timestamp('2026-02-17T12:30:00+0530', 'At')).toBe('2026-02-17T07:00:00.000Z');
    expect(timestamp(' 2026-02-17 07:00 ', 'At')).toBe('2026-02-17T07:00:00.000Z');
    expect(timestamp('2026-02-17', 'At')).toBe('2026-02-17T00:00:00.000Z');
    expect(timestamp('2026-02-17T07:00:00.123456Z', 'At')).toBe('2026-02-17T07:00:00.123Z');
    expect(() => timestamp('17/02/2026 07:00', 'At')).toThrow(CellError);
    expect(() => timestamp('2026-02-30T07:00:00Z', 'At')).toThrow(CellError);
    expect(() => timestamp('', 'At')).toThrow('At is blank');
  });

  it('reads e-mails lower-cased and teams in any case', () => {
    expect(email(' Asha.Ops@Example.COM ', 'Email')).toBe('asha.ops@example.com');
    expect(() => email('asha', 'Email')).toThrow(CellError);
    expect(['ops', 'KYC_OPS', 'vda_ops'].map((t) => team(t, 'Team'))).toEqual(['Ops', 'KYC_ops', 'VDA_ops']);
  });
});

describe('headers and ranges', () => {
  it('matches headers ignoring case, spaces, punctuation and a unit in parentheses', () => {
    expect(['Order ID', ' order id ', 'OrderID', 'order_id'].map(normalizeHeader)).toEqual(['orderid', 'orderid', 'orderid', 'orderid']);
    expect(normalizeHeader('Date (IST)')).toBe(normalizeHeader('date'));
    expect(normalizeHeader('SLA Met %')).toBe('slamet%');
    const table = tableOf(TABS.patterns, 'Pattern Intelligence', [[], ['date', 'PATTERN ID', 'Delta', 'Extra', 'pattern id']]);
    expect(table.headerRow).toBe(2);
    expect(table.columns.get('date')).toBe(0);
    expect(table.columns.get('delta')).toBe(2);
    expect(table.problems).toEqual([
      { tab: 'Pattern Intelligence', row: 2, why: 'column "pattern id" appears twice; the first one is used' },
    ]);
    expect(table.missing.map((c) => c.header)).toContain('Recommendation');
  });

  it('writes A1 ranges with quoted titles', () => {
    expect([0, 25, 26, 51, 701, 702].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'ZZ', 'AAA']);
    expect(quoteTitle("Ops' notes")).toBe("'Ops'' notes'");
    expect(rowRange('Pattern Intelligence', 7, 12)).toBe("'Pattern Intelligence'!A7:L7");
  });
});
