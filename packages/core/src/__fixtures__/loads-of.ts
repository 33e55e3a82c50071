import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./record-loads.mjs', import.meta.url));

/**
 * Imports `specifier` in a fresh Node process started in `cwd` (whose package resolves it, as its
 * programs do) and lists every module that import loaded; the record is kept in `logDir`.
 */
export function loadsOf(cwd: string, specifier: string, logDir: string): string[] {
  const log = path.join(logDir, `${specifier.replace(/\W/g, '_')}.log`);
  execFileSync(process.execPath, ['--import', PRELOAD, '--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`], {
    cwd,
    env: { ...process.env, ECM_LOAD_LOG: log },
    stdio: 'pipe',
  });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}
