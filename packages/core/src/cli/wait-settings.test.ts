import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from './cli-support.js';
import { storeLockWaitMs, WAIT_SETTINGS, waitSettingMs } from './wait-settings.js';

describe('wait settings', () => {
  it("keep the command's default when unset or blank", () => {
    expect(storeLockWaitMs({})).toBe(15_000);
    expect(storeLockWaitMs({ ECM_LOCK_WAIT_SECONDS: '  ' }, 30_000)).toBe(30_000);
  });

  it('take whole and fractional seconds, 0 included', () => {
    expect(storeLockWaitMs({ ECM_LOCK_WAIT_SECONDS: '0' })).toBe(0);
    expect(storeLockWaitMs({ ECM_LOCK_WAIT_SECONDS: '0.25' })).toBe(250);
    expect(waitSettingMs(WAIT_SETTINGS.gatewayHandOver, 5_000, { ECM_GATEWAY_HAND_OVER_SECONDS: ' 60 ' })).toBe(60_000);
  });

  it.each(['-1', 'soon', '1e3', '15s', '3601', 'Infinity', 'NaN', '0x10'])('refuse %j with exit 3, naming the variable', (raw) => {
    let thrown: unknown;
    try {
      storeLockWaitMs({ ECM_LOCK_WAIT_SECONDS: raw });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).exitCode).toBe(EXIT.config);
    expect((thrown as CliError).message).toBe(`ECM_LOCK_WAIT_SECONDS: expected a number of seconds from 0 to 3600, got "${raw}"`);
  });
});
