import { readdirSync, readFileSync } from 'node:fs';
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

/** Call site (package-relative file: opener) → the lock held while it is open. */
const REVIEWED: Record<string, string> = {
  // The openers themselves, each calling the next one down.
  'core/src/state/state-db.ts: openPglite': 'opener (its callers hold the lock)',
  'core/src/cli/open-stores.ts: openStateDb': 'opener (its callers hold the lock)',
  'core/src/cli/open-stores.ts: openStateStore': 'opener (its callers hold the lock)',
  'core/src/cli/open-stores.ts: openWarehouse': 'opener (its callers hold the lock)',
  'core/src/warehouse/open-warehouse.ts: openPglite': 'opener (its callers hold the lock)',
  'core/src/warehouse/open-warehouse.ts: PgliteThreadWarehouse.open': 'opener (its callers hold the lock)',
  'core/src/warehouse/open-warehouse.ts: createDemoWarehouse': 'opener (its callers hold the lock)',
  'core/src/warehouse/pglite-thread.ts: openPglite': 'the worker of PgliteThreadWarehouse (its owner holds the lock)',
  'manager/src/context.ts: openWarehouseStore': 'opener (its callers hold the lock)',
  'manager/src/context.ts: openStateStore': 'opener (its callers hold the lock)',
  // Programs.
  'field/src/session/field-session.ts: openWarehouseStore': 'lockEmbeddedStores for the whole command (withSession)',
  'field/src/session/field-session.ts: openTicketStores': 'lockEmbeddedStores for the whole command (withSession)',
  'gateway/src/start-gateway.ts: openStateDb': "the gateway's store lease: inside lease.use, closed before it hands over",
  'gateway/src/start-gateway.ts: openWarehouse': "the gateway's store lease: inside lease.use, closed before it hands over",
  'gateway/src/http/token-commands.ts: openStateDb': 'lockEmbeddedStores (tokens issue/list/revoke)',
  'gateway/src/cli.ts: openWarehouse': 'lockEmbeddedStores (role-sql)',
  'manager/src/commands/with-state.ts: openTicketStores': 'lockEmbeddedStores (withTicketStore)',
  'manager/src/commands/stuck.ts: openConfiguredWarehouse': 'withTicketStore with alsoWarehouse',
  'manager/src/commands/demo.ts: createDemoWarehouse': 'lockEmbeddedStores for both stores (demo seed)',
  'manager/src/commands/demo.ts: openConfiguredState': 'lockEmbeddedStores for both stores (demo seed)',
  'manager/src/commands/health/state-checks.ts: openStateDb': 'acquireFileLock, or reported busy',
  'manager/src/commands/health/warehouse-check.ts: openWarehouse': 'acquireFileLock, or reported busy',
  'manager/src/phases/run-phases.ts: openConfiguredState': 'the run lock (takeRunLock), taken first',
  'manager/src/phases/run-phases.ts: openConfiguredWarehouse': 'the run lock (takeRunLock), with the lock file for a demo warehouse',
  'manager/src/phases/take-run-lock.ts: openConfiguredState': 'PostgreSQL only (the ECM_STATE_URL branch)',
  'manager/src/serve/serve-command.ts: openConfiguredState': 'PostgreSQL only: serve refuses an embedded state store',
  'manager/src/serve/serve-command.ts: openConfiguredWarehouse': 'PostgreSQL only: serve refuses the embedded demo warehouse',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__fixtures__' || e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every `opener(` call (not its definition or an import) in the programs' sources. */
function callSites(): string[] {
  const sites = new Set<string>();
  for (const pkg of readdirSync(PACKAGES)) {
    const src = path.join(PACKAGES, pkg, 'src');
    let files: string[];
    try {
      files = sourceFiles(src);
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const opener of OPENERS) {
        const call = new RegExp(`(?<!function |async function |[.#])\\b${opener.replace('.', '\\.')}\\(`, 'g');
        if (call.test(text)) sites.add(`${path.relative(PACKAGES, file)}: ${opener}`);
      }
    }
  }
  return [...sites].sort();
}

describe('opening a store', () => {
  it('happens only where the embedded stores lock is held (or the store is PostgreSQL)', () => {
    const unreviewed = callSites().filter((site) => !(site in REVIEWED));
    expect(unreviewed, 'a new place opens a store: hold lockEmbeddedStores (or the run lock) meanwhile, then list it above').toEqual([]);
  });

  it('lists no call site that no longer exists', () => {
    const sites = new Set(callSites());
    expect(Object.keys(REVIEWED).filter((site) => !sites.has(site))).toEqual([]);
  });
});
