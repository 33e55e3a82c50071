import { describe, expect, it } from 'vitest';
import { parseWarehouseTime, toWarehouseTime } from './warehouse-time.js';
import { redactUrl } from './warehouse.js';

describe('warehouse timestamps (UTC, without time zone)', () => {
  it('reads the text both drivers hand over as UTC', () => {
    expect(parseWarehouseTime('2026-02-17 01:30:00').toISOString()).toBe('2026-02-17T01:30:00.000Z');
    expect(parseWarehouseTime('2026-02-17 01:30:00.123456').toISOString()).toBe('2026-02-17T01:30:00.123Z');
    expect(parseWarehouseTime('2026-02-17T01:30:00+05:30').toISOString()).toBe('2026-02-16T20:00:00.000Z');
  });

  it('writes UTC without a zone and reads it back unchanged', () => {
    const t = new Date('2026-02-17T01:30:00.250Z');
    expect(toWarehouseTime(t)).toBe('2026-02-17 01:30:00.250');
    expect(parseWarehouseTime(toWarehouseTime(t))).toEqual(t);
  });

  it('refuses what is not a timestamp', () => {
    expect(() => parseWarehouseTime('yesterday')).toThrow(/not a warehouse timestamp/);
  });
});

describe('redactUrl', () => {
  it('hides the password', () => {
    expect(redactUrl('postgres://ecm:s3cret@example.com:5439/dw')).toBe('postgres://ecm:***@example.com:5439/dw');
    expect(redactUrl('postgres://ecm@127.0.0.1/dw')).toBe('postgres://ecm@127.0.0.1/dw');
    expect(redactUrl('not a url')).toBe('(unparseable URL)');
  });
});
