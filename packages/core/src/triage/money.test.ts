import { describe, expect, it } from 'vitest';
import { convertMinorUnits, formatMinorUnits, fromMinorUnits, MoneyError, sumMinorUnits, toMinorUnits } from './money.js';

describe('exact money', () => {
  it('reads decimals into minor units and back without loss', () => {
    expect(toMinorUnits('9999999999999999.99')).toBe(999999999999999999n);
    expect(fromMinorUnits(999999999999999999n)).toBe('9999999999999999.99');
    expect(toMinorUnits('0.1')).toBe(10n);
    expect(toMinorUnits('-12.345')).toBe(-1235n);
    expect(toMinorUnits('12.344')).toBe(1234n);
    expect(fromMinorUnits(-5n)).toBe('-0.05');
  });

  it('refuses what is not a plain decimal', () => {
    for (const bad of ['NaN', 'Infinity', '1e5', '', '12,5', '0x10']) expect(() => toMinorUnits(bad)).toThrow(MoneyError);
  });

  it('converts at a configured rate exactly: 9,999,999,999,999,999.99 GBP at 4.9', () => {
    // 9999999999999999.99 × 4.9 = 48999999999999999.951 → 48999999999999999.95
    const aed = convertMinorUnits(toMinorUnits('9999999999999999.99'), 4.9);
    expect(fromMinorUnits(aed)).toBe('48999999999999999.95');
    expect(formatMinorUnits(aed, { decimals: 2 })).toBe('48,999,999,999,999,999.95');
    expect(formatMinorUnits(aed)).toBe('49,000,000,000,000,000');
    // The double arithmetic this replaces could not even represent the input.
    // biome-ignore lint/correctness/noPrecisionLoss: the point of this test is the float's loss
    expect(String(9999999999999999.99 * 4.9)).not.toBe('48999999999999999.95');
  });

  it('rounds half away from zero at the cent and at the whole unit', () => {
    expect(fromMinorUnits(convertMinorUnits(toMinorUnits('1190.48'), 4.2))).toBe('5000.02');
    expect(fromMinorUnits(convertMinorUnits(1n, 0.5))).toBe('0.01');
    expect(formatMinorUnits(150n)).toBe('2');
    expect(formatMinorUnits(149n)).toBe('1');
    expect(formatMinorUnits(-150n)).toBe('-2');
  });

  it('sums without drift: ten times 0.1 is exactly 1.00', () => {
    expect(fromMinorUnits(sumMinorUnits(Array.from({ length: 10 }, () => toMinorUnits('0.1'))))).toBe('1.00');
    expect(fromMinorUnits(toMinorUnits('9999999999999999.99') + toMinorUnits('0.01'))).toBe('10000000000000000.00');
  });
});
