import { describe, expect, it } from 'vitest';
import { formatMinutes, slaClock } from './sla-clock.js';

const assigned = new Date('2026-02-17T01:30:00Z');
const after = (minutes: number) => new Date(assigned.getTime() + minutes * 60_000);

describe('slaClock', () => {
  it('counts from assignment, not from order creation', () => {
    const c = slaClock(assigned, 4, after(60));
    expect(c).toEqual({ target_minutes: 240, elapsed_minutes: 60, remaining_minutes: 180, band: 'OK' });
  });

  it('puts the band edges where §14 does', () => {
    // 4 h target: 50 % left at 120 min elapsed, 25 % left at 180 min.
    expect(slaClock(assigned, 4, after(119)).band).toBe('OK');
    expect(slaClock(assigned, 4, after(120)).band).toBe('WARNING');
    expect(slaClock(assigned, 4, after(180)).band).toBe('WARNING');
    expect(slaClock(assigned, 4, after(181)).band).toBe('CRITICAL');
    expect(slaClock(assigned, 4, after(240)).band).toBe('CRITICAL');
    expect(slaClock(assigned, 4, after(241))).toMatchObject({ band: 'BREACHED', remaining_minutes: -1 });
  });

  it('formats remaining time for people', () => {
    expect(formatMinutes(125)).toBe('2h 05m');
    expect(formatMinutes(45)).toBe('45m');
    expect(formatMinutes(-70)).toBe('-1h 10m');
  });
});
