import path from 'node:path';
import { defaultSharedDir } from '@ecm/core/domain';
import { domainDirs, managerDomainNameIn } from '../domains/load-domains.js';

const names = new Map<string, string>();

/**
 * The domain the manager's scheduled work belongs to — the one domain.yaml with `manager_phases: true`
 * (shared/domains/). Metrics, the budget, the execution log and proposals are keyed by it; nothing
 * names it in code. Read once per set of domain folders.
 */
export function managerDomainName(sharedDir: string = defaultSharedDir(), env: NodeJS.ProcessEnv = process.env): string {
  const dirs = domainDirs(env, sharedDir);
  const key = dirs.join(path.delimiter);
  let name = names.get(key);
  if (name === undefined) {
    name = managerDomainNameIn(dirs);
    names.set(key, name);
  }
  return name;
}
