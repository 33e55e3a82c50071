import type { EcmConfig, StateDb, Warehouse } from '@ecm/core';
import { CliError, EXIT } from './exit-codes.js';
import { progressBar } from './progress.js';

/** A thrown value as one line; some libraries (PGlite's file system) throw plain objects. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'object' && err !== null) {
    try {
      return JSON.stringify(err);
    } catch {
      return Object.prototype.toString.call(err);
    }
  }
  return String(err);
}

/** What every command prints for people goes to stderr; stdout is for the command's output. */
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

export async function openConfiguredWarehouse(config: EcmConfig): Promise<Warehouse> {
  const { openWarehouse, redactUrl } = await import('@ecm/core');
  const bar = progressBar('Seeding the demo warehouse');
  try {
    const warehouse = await openWarehouse({
      sharedDir: config.sharedDir,
      onNotice: notice,
      onSeedProgress: (p) => bar.update(p.ordersDone, p.ordersTotal),
    });
    bar.done();
    return warehouse;
  } catch (err) {
    bar.done();
    const where = process.env.ECM_WAREHOUSE_URL ? redactUrl(process.env.ECM_WAREHOUSE_URL) : 'the embedded demo warehouse';
    throw new CliError(`cannot open the warehouse (${where}): ${describeError(err)}`);
  }
}

export async function openConfiguredState(): Promise<StateDb> {
  const { openStateDb, redactUrl } = await import('@ecm/core');
  try {
    return await openStateDb();
  } catch (err) {
    const where = process.env.ECM_STATE_URL ? redactUrl(process.env.ECM_STATE_URL) : 'the embedded state store';
    throw new CliError(`cannot open the state store (${where}): ${describeError(err)}`);
  }
}

/** `--as-of` parsing: an ISO time, else now (to the minute, so a run's T is easy to repeat). */
export function parseAsOf(value: string | undefined): Date {
  if (!value) return new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new CliError(`--as-of "${value}" is not a time; use ISO 8601, e.g. 2026-02-17T01:30:00Z`, EXIT.config);
  return d;
}
