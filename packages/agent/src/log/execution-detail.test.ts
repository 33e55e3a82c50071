import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDb, type TestDatabase } from '../__fixtures__/databases.js';
import { anExecution } from '../__fixtures__/executions.js';
import { queryRows } from '../db/sql.js';
import { recordExecutionDetail } from './execution-detail.js';
import { recordExecution } from './execution-log.js';
import { ensureAgentSchema } from './schema.js';

const EMAIL = 'sam.tester@example.com';
const PHONE = '+971 50 123 4567';
const PASSWORD = 'hunter2-correct-horse';

let database: TestDatabase;
beforeAll(async () => {
  database = await openPgliteDb();
  await ensureAgentSchema(database.db);
});
afterAll(async () => database.close());

describe('recordExecutionDetail', () => {
  it('stores no e-mail, phone number or password from the input, the turns or a tool result', async () => {
    const result = `{"order_id":"ORD-1","note":"write to ${EMAIL} or call ${PHONE}","db":"postgres://ops:${PASSWORD}@example.com/ecm"}`;
    await recordExecution(
      database.db,
      anExecution({
        id: 'exec-detail-1',
        createdAt: new Date('2026-02-17T01:00:00Z'),
        usage: { input: 10, output: 5, cacheWrite: 0, cacheRead: 0 },
        costUsd: 0.001,
        latencyMs: 120,
        traceId: 'a'.repeat(32),
      }),
    );
    await recordExecutionDetail(database.db, {
      executionId: 'exec-detail-1',
      spanId: null,
      input: `Diagnose ORD-1; the customer wrote from ${EMAIL}, PGPASSWORD=${PASSWORD}`,
      modelMs: 100,
      toolsMs: 20,
      turns: [
        {
          turn: 1,
          text: `Calling ${PHONE} is not my job; the password=${PASSWORD} is not needed.`,
          stop_reason: 'tool_use',
          model: 'claude-sonnet-4-6',
          model_ms: 100,
          attempts: 1,
          usage: { input: 10, output: 5, cacheWrite: 0, cacheRead: 0 },
          cost_usd: 0.001,
          tools_ms: 20,
          tool_calls: [
            // As the loop would hand it over if a result were not masked before: the store must mask it anyway.
            {
              id: 'tu_1',
              name: 'runbooks_search',
              arguments: { query: `refund ${EMAIL}`, password: PASSWORD },
              ms: 20,
              ok: true,
              result_chars: result.length,
              result_preview: result,
            },
            {
              id: 'tu_2',
              name: 'order_lookup',
              arguments: {},
              ms: 5,
              ok: false,
              error: `denied for ${EMAIL} at postgres://ops:${PASSWORD}@example.com/ecm`,
              result_chars: 0,
              result_preview: '',
            },
          ],
        },
      ],
    });
    const [row] = await queryRows(
      database.db,
      `SELECT input, turns::text AS turns FROM skill_execution_details WHERE execution_id = 'exec-detail-1'`,
    );
    const stored = `${String(row!.input)}\n${String(row!.turns)}`;
    for (const secret of [EMAIL, PHONE, PASSWORD, '50 123 4567']) expect(stored).not.toContain(secret);
    // What is not personal stays readable: tool names, the order id, the turn's own words.
    expect(stored).toContain('runbooks_search');
    expect(stored).toContain('order_lookup');
    expect(stored).toContain('ORD-1');
    expect(stored).toContain('is not my job');
  });
});
