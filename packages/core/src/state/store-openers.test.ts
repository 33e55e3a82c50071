import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// An embedded store (PGlite under ECM_HOME) admits one process at a time: two PostgreSQL instances on
// one data folder overwrite each other's writes. So every place in the programs that opens a store is
// listed here with the lock it holds meanwhile, and a new one fails this test until it is reviewed and
// listed. An allow-list of call sites, not a rule someone must remember.
const PACKAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The functions that open a store (and, embedded, its data folder). */
const OPENERS = [
  'openStateDb',
  'openStateStore',
  'openTicketStores',
  'openWarehouse',
  'openWarehouseStore',
  'createDemoWarehouse',
  'openConfiguredState',
  'openConfiguredWarehouse',
  'openPglite',
  'PgliteThreadWarehouse.open',
];

/** Call site (package-relative file: opener) → how many calls there, and the lock held while each is open. */
const REVIEWED: Record<string, readonly [calls: number, lock: string]> = {
  // The openers themselves, each calling the next one down.
  'core/src/state/state-db.ts: openPglite': [2, 'opener (its callers hold the lock)'],
  'core/src/cli/open-stores.ts: openStateDb': [1, 'opener (its callers hold the lock)'],
  'core/src/cli/open-stores.ts: openStateStore': [1, 'opener (its callers hold the lock)'],
  'core/src/cli/open-stores.ts: openWarehouse': [1, 'opener (its callers hold the lock)'],
  'core/src/warehouse/open-warehouse.ts: openPglite': [2, 'opener (its callers hold the lock)'],
  'core/src/warehouse/open-warehouse.ts: PgliteThreadWarehouse.open': [1, 'opener (its callers hold the lock)'],
  'core/src/warehouse/open-warehouse.ts: createDemoWarehouse': [1, 'opener (its callers hold the lock)'],
  'core/src/warehouse/pglite-thread.ts: openPglite': [1, 'the worker of PgliteThreadWarehouse (its owner holds the lock)'],
  'manager/src/context.ts: openWarehouseStore': [1, 'opener (its callers hold the lock)'],
  'manager/src/context.ts: openStateStore': [1, 'opener (its callers hold the lock)'],
  // Programs.
  'field/src/session/field-session.ts: openWarehouseStore': [1, 'lockEmbeddedStores for the whole command (withSession)'],
  'field/src/session/field-session.ts: openTicketStores': [1, 'lockEmbeddedStores for the whole command (withSession)'],
  'gateway/src/start-gateway.ts: openStateDb': [1, "the gateway's store lease: inside lease.use, closed before it hands over"],
  'gateway/src/start-gateway.ts: openWarehouse': [1, "the gateway's store lease: inside lease.use, closed before it hands over"],
  'gateway/src/http/token-commands.ts: openStateDb': [1, 'lockEmbeddedStores (tokens issue/list/revoke)'],
  'gateway/src/cli.ts: openWarehouse': [1, 'lockEmbeddedStores (role-sql)'],
  'manager/src/commands/with-state.ts: openTicketStores': [1, 'lockEmbeddedStores (withTicketStore)'],
  'manager/src/commands/stuck.ts: openConfiguredWarehouse': [1, 'withTicketStore with alsoWarehouse'],
  'manager/src/commands/demo.ts: createDemoWarehouse': [1, 'lockEmbeddedStores for both stores (demo seed)'],
  'manager/src/commands/demo.ts: openConfiguredState': [1, 'lockEmbeddedStores for both stores (demo seed)'],
  'manager/src/commands/health/state-checks.ts: openStateDb': [1, 'acquireFileLock, or reported busy'],
  'manager/src/commands/health/warehouse-check.ts: openWarehouse': [1, 'acquireFileLock, or reported busy'],
  'manager/src/phases/run-phases.ts: openConfiguredState': [1, 'the run lock (takeRunLock), taken first'],
  'manager/src/phases/run-phases.ts: openConfiguredWarehouse': [1, 'the run lock (takeRunLock), with the lock file for a demo warehouse'],
  'manager/src/phases/take-run-lock.ts: openConfiguredState': [1, 'PostgreSQL only (the ECM_STATE_URL branch)'],
  'manager/src/serve/serve-command.ts: openConfiguredState': [1, 'PostgreSQL only: serve refuses an embedded state store'],
  'manager/src/serve/serve-command.ts: openConfiguredWarehouse': [1, 'PostgreSQL only: serve refuses the embedded demo warehouse'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__fixtures__' || e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** How many `opener(` calls (not definitions, imports or method calls of other objects) each file makes. */
function callSites(): Map<string, number> {
  const sites = new Map<string, number>();
  for (const pkg of readdirSync(PACKAGES)) {
    const src = path.join(PACKAGES, pkg, 'src');
    if (!existsSync(src)) continue;
    for (const file of sourceFiles(src)) {
      const text = readFileSync(file, 'utf8');
      for (const opener of OPENERS) {
        const calls = text.match(new RegExp(`(?<!function )(?<![.#])\\b${opener.replace('.', '\\.')}\\(`, 'g'))?.length ?? 0;
        if (calls > 0) sites.set(`${path.relative(PACKAGES, file)}: ${opener}`, calls);
      }
    }
  }
  return sites;
}

describe('opening a store', () => {
  it('every call site is reviewed: listed, with as many calls as the file makes, and the lock it holds', () => {
    const unreviewed = [...callSites()]
      .filter(([site, calls]) => REVIEWED[site]?.[0] !== calls)
      .map(([site, calls]) => `${site} (${calls} call${calls === 1 ? '' : 's'})`);
    expect(unreviewed, 'a new place opens a store: hold lockEmbeddedStores (or the run lock) meanwhile, then list it above').toEqual([]);
  });

  it('lists no call site that no longer exists', () => {
    const sites = callSites();
    expect(Object.keys(REVIEWED).filter((site) => !sites.has(site))).toEqual([]);
  });
});
