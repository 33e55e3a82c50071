import { afterAll, afterEach, beforeAll } from 'vitest';
import type { SqlQueryable } from '../db/sql.js';
import { ensureAgentSchema } from '../log/schema.js';
import { openPgliteDb, type TestDatabase } from './databases.js';

export interface AgentTestSuite {
  /** One PGlite state database with the runtime's schema, shared by the file's tests. */
  readonly db: SqlQueryable;
  /** Servers and runtimes a test started: closed after each test, last first. */
  readonly open: { close(): Promise<void> }[];
}

/** Registers the hooks every runtime test file needs and answers what they set up. */
export function agentTestSuite(): AgentTestSuite {
  let database: TestDatabase | null = null;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    database = await openPgliteDb();
    await ensureAgentSchema(database.db);
  });
  afterAll(async () => database?.close());
  afterEach(async () => {
    while (open.length) await open.pop()!.close();
  });
  return {
    get db() {
      if (!database) throw new Error('the test database opens in beforeAll');
      return database.db;
    },
    open,
  };
}
