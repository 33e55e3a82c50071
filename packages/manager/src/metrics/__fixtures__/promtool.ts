import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and its alert rule files (deploy/prometheus). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
export const RULE_FILES = ['deploy/prometheus/alerts.yml', 'deploy/prometheus/runs.yml'].map((f) => path.join(ROOT, f));
export const RULE_TESTS = path.join(ROOT, 'deploy/prometheus/tests/alerts.test.yml');

/** Whether a Debian tool is on PATH (it answers --version). */
export function hasTool(command: string): boolean {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

export function promtool(args: string[]): SpawnSyncReturns<string> {
  return spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
}
