/**
 * Warehouse timestamps are `timestamp without time zone` in UTC. Both drivers are configured to
 * hand them over as text ("2026-02-17 01:30:00.123"), and we read and write them as UTC explicitly,
 * so no process time zone can shift a run.
 */
export function parseWarehouseTime(text: string): Date {
  const iso = text.includes('T') ? text : text.replace(' ', 'T');
  const date = new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`not a warehouse timestamp: ${JSON.stringify(text)}`);
  return date;
}

export function toWarehouseTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export const HOUR_MS = 3_600_000;
