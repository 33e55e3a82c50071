import { describe, expect, it } from 'vitest';
import { defaultSharedDir } from '../config/load-config.js';
import { fillCodeLists, loadQuery, sqlCode } from './load-query.js';

describe('fillCodeLists', () => {
  it('fills each {{list}} with quoted codes', () => {
    expect(fillCodeLists('WHERE s IN ({{statuses}}) AND f = {{one}}', { statuses: ['PENDING', 'FAILED'], one: 'FAILED' })).toBe(
      "WHERE s IN ('PENDING', 'FAILED') AND f = 'FAILED'",
    );
  });

  it('refuses a placeholder without a value', () => {
    expect(() => fillCodeLists('WHERE s IN ({{statuses}})', {})).toThrow('{{statuses}} has no value');
  });

  it('refuses anything but an upper-case code, so configuration cannot inject SQL', () => {
    expect(() => sqlCode("PENDING') OR ('1'='1")).toThrow(/not an upper-case code/);
    expect(() => fillCodeLists('IN ({{s}})', { s: ['pending'] })).toThrow(/not an upper-case code/);
    expect(sqlCode('SENT_TO_PROVIDER')).toBe("'SENT_TO_PROVIDER'");
  });
});

describe('loadQuery', () => {
  it('reads shared/queries/NAME.sql', () => {
    expect(loadQuery(defaultSharedDir(), 'stuck_candidates')).toMatch(/FROM orders_goms/);
  });

  it('names the missing file', () => {
    expect(() => loadQuery(defaultSharedDir(), 'no_such_query')).toThrow(/no_such_query\.sql/);
  });
});
