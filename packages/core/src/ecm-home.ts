import os from 'node:os';
import path from 'node:path';

/** Where ECM keeps its embedded databases, outbox and remembered settings: ECM_HOME, else ~/.ecm. */
export function ecmHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.ECM_HOME || path.join(os.homedir(), '.ecm'));
}
