import { CliError, EXIT } from './cli-support.js';

/**
 * How long programs wait for one another on the embedded stores, in seconds, from the environment.
 * Operators tune them for slow disks or busy hosts; tests set them short so that a wait they check
 * costs a fraction of a second, not the production default.
 */
export const WAIT_SETTINGS = {
  /** How long a command waits for another program holding the embedded stores' lock, then gives up. */
  lockWait: 'ECM_LOCK_WAIT_SECONDS',
  /** How long an embedded gateway keeps the stores after its last call before handing them over. */
  gatewayHandOver: 'ECM_GATEWAY_HAND_OVER_SECONDS',
} as const;

const MAX_SECONDS = 3_600;

/** The setting in milliseconds, or `defaultMs` when it is unset or blank; anything but 0–3600 seconds exits 3 naming the variable. */
export function waitSettingMs(
  name: (typeof WAIT_SETTINGS)[keyof typeof WAIT_SETTINGS],
  defaultMs: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[name]?.trim();
  if (!raw) return defaultMs;
  const seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds <= MAX_SECONDS)) {
    throw new CliError(`${name}: expected a number of seconds from 0 to ${MAX_SECONDS}, got "${raw}"`, EXIT.config);
  }
  return Math.round(seconds * 1000);
}

/** How long most commands wait for another program to finish with the embedded stores. */
export const DEFAULT_LOCK_WAIT_MS = 15_000;

/** How long a command waits for the embedded stores' lock: ECM_LOCK_WAIT_SECONDS, else `defaultMs`. */
export const storeLockWaitMs = (env: NodeJS.ProcessEnv = process.env, defaultMs = DEFAULT_LOCK_WAIT_MS): number =>
  waitSettingMs(WAIT_SETTINGS.lockWait, defaultMs, env);
