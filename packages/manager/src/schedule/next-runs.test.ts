import { describe, expect, it } from 'vitest';
import { loadConfig } from '@ecm/core/domain';
import { parseCron, runsOnDate } from './cron-expression.js';
import { lastScheduledSlot, runKeyFor, type ScheduledJob } from './next-runs.js';
import { wallTimeAt } from './zone-time.js';

const job = (cron: string, time_zone: string, name = 'daily'): ScheduledJob => ({ name, command: 'daily', cron, time_zone });
const at = (iso: string) => new Date(iso);
const daily = job('0 7 * * *', 'Asia/Kolkata');

describe('lastScheduledSlot', () => {
  it('finds 07:00 IST (01:30 UTC) today once it has passed, yesterday before', () => {
    expect(lastScheduledSlot(daily, at('2026-02-17T01:30:00Z'))).toEqual(at('2026-02-17T01:30:00Z'));
    expect(lastScheduledSlot(daily, at('2026-02-17T09:00:00Z'))).toEqual(at('2026-02-17T01:30:00Z'));
    expect(lastScheduledSlot(daily, at('2026-02-17T01:29:59Z'))).toEqual(at('2026-02-16T01:30:00Z'));
  });

  it('uses the job zone for the date, not UTC: 20:00 Dubai is still "today" there after UTC midnight', () => {
    const evening = job('0 20 * * *', 'Asia/Dubai', 'triage-evening');
    // 00:30 UTC on the 17th is 04:30 on the 17th in Dubai: last run was 16:00 UTC on the 16th.
    expect(lastScheduledSlot(evening, at('2026-02-17T00:30:00Z'))).toEqual(at('2026-02-16T16:00:00Z'));
    // 20:00 UTC on the 17th is already 01:30 on the 18th in Kolkata: the 01:00 IST run of the 18th has happened.
    expect(lastScheduledSlot(job('0 1 * * *', 'Asia/Kolkata'), at('2026-02-17T20:00:00Z'))).toEqual(at('2026-02-17T19:30:00Z'));
    const kolkataLate = job('45 23 * * *', 'Asia/Kolkata');
    // 18:20 UTC is 23:50 IST: tonight's 23:45 IST run (18:15 UTC) has happened.
    expect(lastScheduledSlot(kolkataLate, at('2026-02-17T18:20:00Z'))).toEqual(at('2026-02-17T18:15:00Z'));
  });

  it('takes the latest of several slots a day and honours steps and lists', () => {
    const triage = job('0 14,20 * * *', 'Asia/Dubai');
    expect(lastScheduledSlot(triage, at('2026-02-17T12:00:00Z'))).toEqual(at('2026-02-17T10:00:00Z'));
    expect(lastScheduledSlot(triage, at('2026-02-17T17:00:00Z'))).toEqual(at('2026-02-17T16:00:00Z'));
    const quarterly = job('*/15 * * * *', 'UTC');
    expect(lastScheduledSlot(quarterly, at('2026-02-17T10:44:59Z'))).toEqual(at('2026-02-17T10:30:00Z'));
  });

  it('goes back to the last matching weekday', () => {
    const mondays = job('0 9 * * 1', 'Asia/Kolkata');
    // Tuesday 17 Feb 2026: last Monday 09:00 IST was 16 Feb 03:30 UTC.
    expect(lastScheduledSlot(mondays, at('2026-02-17T12:00:00Z'))).toEqual(at('2026-02-16T03:30:00Z'));
    expect(lastScheduledSlot(mondays, at('2026-02-16T03:29:00Z'))).toEqual(at('2026-02-09T03:30:00Z'));
  });

  it('follows Europe/London across daylight saving', () => {
    const london = job('0 7 * * *', 'Europe/London');
    expect(lastScheduledSlot(london, at('2026-01-15T12:00:00Z'))).toEqual(at('2026-01-15T07:00:00Z')); // GMT
    expect(lastScheduledSlot(london, at('2026-07-15T12:00:00Z'))).toEqual(at('2026-07-15T06:00:00Z')); // BST
    // Clocks go forward on 29 March 2026: the day before is GMT, the day itself BST.
    expect(lastScheduledSlot(london, at('2026-03-29T12:00:00Z'))).toEqual(at('2026-03-29T06:00:00Z'));
    expect(lastScheduledSlot(london, at('2026-03-29T05:59:00Z'))).toEqual(at('2026-03-28T07:00:00Z'));
  });

  it('runs a skipped London wall time once, an hour later by the clock; a repeated one once, the first time', () => {
    const night = job('30 1 * * *', 'Europe/London');
    // 01:30 does not exist on 29 March 2026 (01:00 GMT → 02:00 BST): it fires at 02:30 BST = 01:30 UTC.
    expect(lastScheduledSlot(night, at('2026-03-29T03:00:00Z'))).toEqual(at('2026-03-29T01:30:00Z'));
    expect(lastScheduledSlot(night, at('2026-03-29T01:29:00Z'))).toEqual(at('2026-03-28T01:30:00Z'));
    // 01:30 happens twice on 25 October 2026: the first one (BST, 00:30 UTC) counts.
    expect(lastScheduledSlot(night, at('2026-10-25T03:00:00Z'))).toEqual(at('2026-10-25T00:30:00Z'));
  });

  it('returns null for an expression that never fires', () => {
    expect(lastScheduledSlot(job('0 0 31 2 *', 'UTC'), at('2026-02-17T00:00:00Z'))).toBeNull();
  });

  it('finds 29 February years back', () => {
    expect(lastScheduledSlot(job('0 0 29 2 *', 'UTC'), at('2026-02-17T00:00:00Z'))).toEqual(at('2024-02-29T00:00:00Z'));
  });

  it('agrees with a minute-by-minute search of the wall clock (zones and dates without a DST change)', () => {
    const cases: [string, string][] = [
      ['0 7 * * *', 'Asia/Kolkata'],
      ['0 14,20 * * *', 'Asia/Dubai'],
      ['10-50/20 */5 * * 2,4', 'Asia/Kolkata'],
      ['0 9 1,20 * 0', 'Europe/London'],
      ['*/7 3 * 1,6 *', 'Europe/London'],
    ];
    // Fixed pseudo-random instants in January and June, away from the London changes.
    const instants = [0, 1, 2, 3, 4, 5].map((i) => new Date(Date.UTC(2026, i % 2 === 0 ? 0 : 5, 9 + i * 3, (i * 7) % 24, (i * 13) % 60)));
    for (const [cron, zone] of cases) {
      const parsed = parseCron(cron);
      for (const now of instants) {
        let expected: Date | null = null;
        for (let t = Math.floor(now.getTime() / 60_000) * 60_000; t > now.getTime() - 8 * 86_400_000; t -= 60_000) {
          const w = wallTimeAt(zone, new Date(t));
          if (parsed.minutes.includes(w.minute) && parsed.hours.includes(w.hour) && runsOnDate(parsed, w.year, w.month, w.day)) {
            expected = new Date(t);
            break;
          }
        }
        expect(expected, `${cron} ${zone} before ${now.toISOString()}`).not.toBeNull();
        expect(lastScheduledSlot(job(cron, zone), now), `${cron} ${zone} before ${now.toISOString()}`).toEqual(expected);
      }
    }
  });

  it('handles every job of the shipped schedule', () => {
    const { settings } = loadConfig();
    for (const j of settings.schedule) {
      const slot = lastScheduledSlot(j, at('2026-02-17T12:00:00Z'));
      expect(slot, j.name).not.toBeNull();
      expect(slot!.getTime()).toBeLessThanOrEqual(at('2026-02-17T12:00:00Z').getTime());
    }
  });
});

describe('runKeyFor', () => {
  it('names the slot in the job zone with its offset', () => {
    expect(runKeyFor(daily, at('2026-02-17T01:30:00Z'))).toBe('daily@2026-02-17T07:00+05:30');
    expect(runKeyFor(job('0 20 * * *', 'Asia/Dubai', 'triage-evening'), at('2026-02-17T16:00:00Z'))).toBe(
      'triage-evening@2026-02-17T20:00+04:00',
    );
    expect(runKeyFor(job('0 7 * * *', 'Europe/London'), at('2026-07-15T06:00:00Z'))).toBe('daily@2026-07-15T07:00+01:00');
    expect(runKeyFor(job('0 7 * * *', 'Europe/London'), at('2026-01-15T07:00:00Z'))).toBe('daily@2026-01-15T07:00+00:00');
  });

  it('tells apart the two 01:30s of the London fall-back night', () => {
    const night = job('30 1 * * *', 'Europe/London', 'night');
    expect(runKeyFor(night, at('2026-10-25T00:30:00Z'))).toBe('night@2026-10-25T01:30+01:00');
    expect(runKeyFor(night, at('2026-10-25T01:30:00Z'))).toBe('night@2026-10-25T01:30+00:00');
  });

  it('gives the same key for any instant inside the same slot minute, so a retried run is recognised', () => {
    const slot = lastScheduledSlot(daily, at('2026-02-17T05:00:00Z'))!;
    expect(runKeyFor(daily, slot)).toBe(runKeyFor(daily, lastScheduledSlot(daily, at('2026-02-17T23:59:00Z'))!));
  });
});
