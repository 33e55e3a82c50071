import { describe, expect, it } from 'vitest';
import { type AlertmanagerAlert, alertDedupeKey } from './alert-routing.js';

const firing = (startsAt: string, fingerprint = '24babef7129c8fc3'): AlertmanagerAlert => ({
  status: 'firing',
  labels: { alertname: 'EcmStuckBacklogHigh' },
  annotations: {},
  startsAt,
  fingerprint,
});

describe('one firing, one key', () => {
  it('the same instant spelled two ways (Alertmanager drops trailing zeros) makes the same key', () => {
    expect(alertDedupeKey(firing('2026-11-30T23:47:29.16Z'))).toBe(alertDedupeKey(firing('2026-11-30T23:47:29.160Z')));
    expect(alertDedupeKey(firing('2026-11-30T23:47:29+00:00'))).toBe('24babef7129c8fc3@2026-11-30T23:47:29.000Z');
  });

  it('another start or another alert is another firing', () => {
    expect(alertDedupeKey(firing('2026-11-30T23:47:29.161Z'))).not.toBe(alertDedupeKey(firing('2026-11-30T23:47:29.160Z')));
    expect(alertDedupeKey(firing('2026-11-30T23:47:29.160Z', 'aa'))).not.toBe(alertDedupeKey(firing('2026-11-30T23:47:29.160Z')));
  });

  it('a start time that is not a time is kept as sent (the key still tells firings apart)', () => {
    expect(alertDedupeKey(firing('not-a-time'))).toBe('24babef7129c8fc3@not-a-time');
  });
});
