export const SLA_BANDS = ['BREACHED', 'CRITICAL', 'WARNING', 'OK'] as const;
export type SlaBand = (typeof SLA_BANDS)[number];

export interface SlaClock {
  readonly target_minutes: number;
  readonly elapsed_minutes: number;
  /** Negative once breached. */
  readonly remaining_minutes: number;
  readonly band: SlaBand;
}

const MINUTE_MS = 60_000;

/**
 * §14: the SLA clock starts at assignment (not at order creation). Bands: BREACHED when no time is
 * left, CRITICAL under 25 % left, WARNING from 25 % to 50 % left, OK above.
 */
export function slaClock(assignedAt: Date, slaHours: number, now: Date): SlaClock {
  const target = Math.round(slaHours * 60);
  const elapsed = Math.floor((now.getTime() - assignedAt.getTime()) / MINUTE_MS);
  const remaining = target - elapsed;
  const left = target > 0 ? remaining / target : 0;
  const band: SlaBand = remaining < 0 ? 'BREACHED' : left < 0.25 ? 'CRITICAL' : left <= 0.5 ? 'WARNING' : 'OK';
  return { target_minutes: target, elapsed_minutes: elapsed, remaining_minutes: remaining, band };
}

/** "2h 05m", "45m", "-1h 10m" for a terminal column. */
export function formatMinutes(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return h > 0 ? `${sign}${h}h ${String(m).padStart(2, '0')}m` : `${sign}${m}m`;
}
