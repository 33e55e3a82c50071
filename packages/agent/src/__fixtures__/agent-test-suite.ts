import { afterAll, afterEach, beforeAll } from 'vitest';
import type { LlmConfig } from '../config/llm-config.js';
import type { SqlQueryable } from '../db/sql.js';
import { ensureAgentSchema } from '../log/schema.js';
import { createAgentRuntime, type AgentRuntime } from '../loop/agent-runtime.js';
import { openPgliteDb, type TestDatabase } from './databases.js';
import { startFakeMessagesApi, type FakeMessagesApi, type Script } from './fake-messages-api.js';
import { startTestGateway } from './test-gateway.js';
import { fixtureSkills, GUARDRAILS, testLlmConfig } from './test-runtime.js';

export interface RuntimeOptions {
  /** The domain's prefix: each runtime gets a domain of its own (`prefix1`, `prefix2`, …). */
  readonly prefix: string;
  /** Connect the test MCP gateway (its tools) to the runtime. */
  readonly gateway?: boolean;
  readonly llm?: LlmConfig;
  /** The process environment the runtime sees; by default a test key and the fake API's URL. */
  readonly env?: (apiUrl: string) => NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

export interface TestRuntime {
  readonly api: FakeMessagesApi;
  readonly gateway: Awaited<ReturnType<typeof startTestGateway>> | null;
  readonly runtime: AgentRuntime;
  readonly domain: string;
}

export interface AgentTestSuite {
  /** One PGlite state database with the runtime's schema, shared by the file's tests. */
  readonly db: SqlQueryable;
  /** Servers and runtimes a test started: closed after each test, last first. */
  readonly open: { close(): Promise<void> }[];
  /** A runtime over the suite's database, answered by a fake Messages API playing `script`; closed after the test. */
  startRuntime(script: Script[], options: RuntimeOptions): Promise<TestRuntime>;
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
  let seq = 0;
  const suite: AgentTestSuite = {
    get db() {
      if (!database) throw new Error('the test database opens in beforeAll');
      return database.db;
    },
    open,
    async startRuntime(script, options) {
      const api = await startFakeMessagesApi(script);
      open.push(api);
      const gateway = options.gateway ? await startTestGateway() : null;
      if (gateway) open.push(gateway);
      const domain = `${options.prefix}${++seq}`;
      const runtime = createAgentRuntime({
        domain,
        llm: options.llm ?? testLlmConfig(),
        skills: fixtureSkills(),
        guardrails: GUARDRAILS,
        db: suite.db,
        ...(gateway ? { mcp: gateway.client } : {}),
        env: options.env ? options.env(api.url) : { ANTHROPIC_API_KEY: 'sk-test-key', ANTHROPIC_BASE_URL: api.url },
        ...(options.now ? { now: options.now } : {}),
      });
      return { api, gateway, runtime, domain };
    },
  };
  return suite;
}
