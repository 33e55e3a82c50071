import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { managerHomeCopy, OUTSIDE_ENV, seedDemoHome } from '../../../core/src/demo/__fixtures__/demo-templates.js';

export interface DemoHome {
  readonly home: string;
  outboxFiles(): string[];
  cleanup(): void;
}

/** A fresh ECM_HOME with a small seeded demo warehouse (a copy of the run's); the process env points at it. */
export async function demoHome(options: { orders: number; seed: number; asOf: Date; stuckScale?: number }): Promise<DemoHome> {
  const demo = emptyHome();
  await seedDemoHome(demo.home, options);
  return demo;
}

/** A fresh ECM_HOME with no warehouse in it, for a test that points ECM_WAREHOUSE_URL elsewhere; the process env points at it. */
export function emptyHome(): DemoHome {
  const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-test-'));
  for (const name of OUTSIDE_ENV) delete process.env[name];
  process.env.ECM_HOME = home;
  return {
    home,
    outboxFiles: () => {
      try {
        return readdirSync(path.join(home, 'outbox')).sort();
      } catch {
        return [];
      }
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** A stream that keeps what was written (the outbox's printout). */
export function collector(): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

/**
 * The CLI tests' demo: a new temporary ECM_HOME as `ecm-manager demo seed --orders 8000 --seed 4` at
 * 07:00 IST on 2026-02-17 leaves it (warehouse and the demo roster). The seed runs once per test run.
 */
export function seededCliHome(prefix: string): Promise<string> {
  return managerHomeCopy([['demo', 'seed', '--orders', '8000', '--seed', '4', '--as-of', '2026-02-17T01:30:00Z']], prefix);
}
