import type { EcmConfig } from '@ecm/core';
import { CliError, EXIT } from './exit-codes.js';

/** What a command prints for people goes to stderr; stdout is for the command's output. */
export const notice = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Loads and validates the whole configuration before anything runs; a bad file ends with exit 3. */
export async function loadValidConfig(): Promise<EcmConfig> {
  const { loadConfig, ConfigError } = await import('@ecm/core');
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`bad configuration: ${err.message}`, EXIT.config);
    throw err;
  }
}

/** `--as-of` parsing: an ISO time, else the clock (demos seeded at a fixed time pass that time). */
export function parseAsOf(value: string | undefined): Date {
  if (!value) return new Date();
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new CliError(`--as-of "${value}" is not a time; use ISO 8601, e.g. 2026-02-17T01:30:00Z`, EXIT.config);
  return d;
}

/** Both ends are terminals: the user can be asked something. */
export const interactive = (): boolean => Boolean(process.stdin.isTTY && process.stderr.isTTY);
