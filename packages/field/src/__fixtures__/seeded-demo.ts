import { rmSync } from 'node:fs';
import { openStateDb, type StateDb } from '@ecm/core/stores';
import { afterAll, beforeAll } from 'vitest';
import { cliEnv, FIELD_BIN, MANAGER_BIN, NOW, runNode, seedSmallDemo, type CliResult } from './run-cli.js';

/** Agents of the demo roster. */
export const ASHA = 'asha.ops@example.com';
export const BILAL = 'bilal.ops@example.com';
export const LENA = 'lena.lead@example.com'; // the roster's supervisor

export interface SeededDemo {
  /** The temporary ECM_HOME (set once the suite's beforeAll ran). */
  readonly home: string;
  /** ecm-field with exactly these arguments, extra environment and standard input. */
  field(args: readonly string[], extra?: NodeJS.ProcessEnv, input?: string): Promise<CliResult>;
  /** ecm-field as `agent`, at the demo's NOW. */
  asAgent(agent: string, args: readonly string[]): Promise<CliResult>;
  manager(args: readonly string[]): Promise<CliResult>;
  /** The state store the CLIs wrote, opened after they exited (the embedded store admits one process at a time). */
  withState<T>(fn: (state: StateDb) => Promise<T>): Promise<T>;
}

/** A copy of the small demo (seeded once per test run; the CLIs built by the global setup) for the file's tests; removed afterwards. */
export function seededDemo(): SeededDemo {
  let home = '';
  beforeAll(async () => {
    home = await seedSmallDemo();
  }, 600_000);
  afterAll(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });
  const field = (args: readonly string[], extra: NodeJS.ProcessEnv = {}, input?: string) =>
    runNode(FIELD_BIN, [...args], cliEnv(home, extra), input);
  return {
    get home() {
      return home;
    },
    field,
    asAgent: (agent, args) => field([...args, '--agent', agent, '--as-of', NOW]),
    manager: (args) => runNode(MANAGER_BIN, args, cliEnv(home)),
    async withState(fn) {
      const state = await openStateDb({ env: { ECM_HOME: home } });
      try {
        return await fn(state);
      } finally {
        await state.close();
      }
    },
  };
}
