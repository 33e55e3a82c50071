import { describe, expect, it } from 'vitest';
import { CronSyntaxError, parseCron, runsOnDate } from './cron-expression.js';

describe('parseCron', () => {
  it('reads numbers, stars, lists, ranges and steps', () => {
    const cron = parseCron('*/15 9-17/4 1,15 2-3 1-5');
    expect(cron.minutes).toEqual([0, 15, 30, 45]);
    expect(cron.hours).toEqual([9, 13, 17]);
    expect(cron.daysOfMonth).toEqual([1, 15]);
    expect(cron.months).toEqual([2, 3]);
    expect(cron.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(cron.anyDayOfMonth).toBe(false);
  });

  it('reads "N/step" as from N to the end, and 7 as Sunday', () => {
    const cron = parseCron('5/20 0 * * 5-7');
    expect(cron.minutes).toEqual([5, 25, 45]);
    expect(cron.daysOfWeek).toEqual([0, 5, 6]);
  });

  it.each([
    ['0 7 * *', /expected 5 fields/],
    ['60 7 * * *', /minute 60 is outside 0-59/],
    ['0 24 * * *', /hour 24 is outside 0-23/],
    ['0 7 0 * *', /day of month 0 is outside 1-31/],
    ['0 7 * 13 *', /month 13 is outside 1-12/],
    ['0 7 * * MON', /not a number/],
    ['@daily 0 0 0 0', /not a number/],
    ['*/0 7 * * *', /step "0" must be a positive number/],
    ['0 9-5 * * *', /runs backwards/],
    ['0 7,,8 * * *', /is not a value, range or step/],
  ])('refuses %s', (expression, problem) => {
    expect(() => parseCron(expression)).toThrow(CronSyntaxError);
    expect(() => parseCron(expression)).toThrow(problem);
  });
});

describe('runsOnDate', () => {
  it('runs every day when both day fields are *', () => {
    expect(runsOnDate(parseCron('0 7 * * *'), 2026, 2, 17)).toBe(true);
  });

  it('checks only the restricted day field', () => {
    const mondays = parseCron('0 9 * * 1');
    expect(runsOnDate(mondays, 2026, 2, 16)).toBe(true); // a Monday
    expect(runsOnDate(mondays, 2026, 2, 17)).toBe(false);
    const firsts = parseCron('0 9 1 * *');
    expect(runsOnDate(firsts, 2026, 3, 1)).toBe(true);
    expect(runsOnDate(firsts, 2026, 3, 2)).toBe(false);
  });

  it('runs when either restricted day field matches (classic cron rule)', () => {
    const cron = parseCron('0 9 1 * 1');
    expect(runsOnDate(cron, 2026, 3, 1)).toBe(true); // the 1st, a Sunday
    expect(runsOnDate(cron, 2026, 3, 2)).toBe(true); // a Monday
    expect(runsOnDate(cron, 2026, 3, 3)).toBe(false);
  });

  it('honours the month field', () => {
    expect(runsOnDate(parseCron('0 9 * 6 *'), 2026, 5, 1)).toBe(false);
    expect(runsOnDate(parseCron('0 9 * 6 *'), 2026, 6, 1)).toBe(true);
  });
});
