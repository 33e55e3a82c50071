import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, type TestDatabase } from '../__fixtures__/databases.js';
import { queryRows } from '../db/sql.js';
import { listProposals, sqlProposalStore } from '../proposals/proposal-store.js';
import { countSubjectExecutions, recordExecution, recordUserCorrection, spentSince, type ExecutionRecord } from './execution-log.js';
import { ensureAgentSchema } from './schema.js';
import { skillStats } from './skill-stats.js';

const since = new Date('2026-02-17T00:00:00Z');
let n = 0;
function execution(over: Partial<ExecutionRecord>): ExecutionRecord {
  n += 1;
  return {
    id: `exec-${n}`,
    createdAt: new Date(since.getTime() + n * 60_000),
    domain: 'ecm',
    skill: 'ecm-triage',
    role: 'manager',
    model: 'claude-haiku-4-5',
    subject: null,
    inputSummary: 'backlog facts',
    output: { bullets: ['412 actionable'] },
    toolCalls: [],
    turns: 1,
    usage: { input: 1000, output: 100, cacheWrite: 0, cacheRead: 500 },
    costUsd: 0.003,
    latencyMs: 1000,
    outcome: 'success',
    outcomeDetail: null,
    routing: null,
    traceId: 'trace',
    ...over,
  };
}
const call = (name: string) => ({ name, args_digest: 'abc', ms: 12, ok: true, turn: 1 });

describe.each(DATABASES)('execution log and stats on $name', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
    await ensureAgentSchema(database.db);
    await ensureAgentSchema(database.db); // idempotent
    const rows: Partial<ExecutionRecord>[] = [
      { latencyMs: 1000, toolCalls: [call('runbook_get')] },
      { latencyMs: 2000, toolCalls: [call('tickets_list'), call('tickets_list')] },
      { latencyMs: 3000, outcome: 'error', outcomeDetail: 'LLM API failed: 529', toolCalls: [call('tickets_list')] },
      { latencyMs: 4000, outcome: 'verifier_dropped' },
      {
        skill: 'ecm-diagnose',
        role: 'specialist',
        model: 'claude-sonnet-4-6',
        latencyMs: 8000,
        costUsd: 0.12,
        subject: 'AED|sig',
        routing: { from: 'ecm-triage', to: 'ecm-diagnose' },
      },
      {
        skill: 'ecm-diagnose',
        role: 'specialist',
        model: 'claude-sonnet-4-6',
        latencyMs: 9000,
        costUsd: 0,
        subject: 'AED|sig',
        outcome: 'budget_skipped',
        routing: { from: 'ecm-triage', to: 'ecm-diagnose' },
      },
      { domain: 'fraud', skill: 'fraud-triage', costUsd: 0.01 },
      { createdAt: new Date('2026-02-16T23:00:00Z'), costUsd: 1 }, // before `since`
    ];
    for (const r of rows) await recordExecution(database.db, execution(r));
  });
  afterAll(async () => database.close());

  it('keeps every field of an execution', async () => {
    const [row] = await queryRows(database.db, `SELECT * FROM skill_executions WHERE skill = 'ecm-diagnose' AND outcome = 'success'`);
    expect(row).toMatchObject({
      domain: 'ecm',
      role: 'specialist',
      model: 'claude-sonnet-4-6',
      subject: 'AED|sig',
      input_summary: 'backlog facts',
      output: { bullets: ['412 actionable'] },
      input_tokens: 1000,
      output_tokens: 100,
      cache_write_tokens: 0,
      cache_read_tokens: 500,
      cost_usd: 0.12,
      latency_ms: 8000,
      routed_from: 'ecm-triage',
      routed_to: 'ecm-diagnose',
      user_correction: null,
      trace_id: 'trace',
    });
  });

  it('answers spend, once-per-day and correction questions', async () => {
    expect(await spentSince(database.db, 'ecm', since)).toBeCloseTo(0.003 * 4 + 0.12, 10);
    expect(await spentSince(database.db, 'ecm', new Date('2026-02-16T00:00:00Z'))).toBeCloseTo(0.003 * 4 + 0.12 + 1, 10);
    // The budget-skipped attempt does not count as a diagnosis.
    expect(await countSubjectExecutions(database.db, { domain: 'ecm', skill: 'ecm-diagnose', subject: 'AED|sig', since })).toBe(1);
    expect(await countSubjectExecutions(database.db, { domain: 'ecm', skill: 'ecm-diagnose', subject: 'GBP|sig', since })).toBe(0);
    const [target] = await queryRows(database.db, `SELECT id FROM skill_executions WHERE skill = 'ecm-diagnose' AND outcome = 'success'`);
    expect(await recordUserCorrection(database.db, String(target!.id), 'Root cause was the Lulu feed, not the BRN')).toBe(true);
    expect(await recordUserCorrection(database.db, 'no-such-id', 'x')).toBe(false);
  });

  it('computes the platform, domain and skill views', async () => {
    const stats = await skillStats(database.db, since);
    expect(stats.platform).toMatchObject({ executions: 7, successRate: 5 / 7 });
    expect(stats.platform.costUsd).toBeCloseTo(0.012 + 0.12 + 0.01, 10);
    expect(stats.platform.tokens).toEqual({ input: 7000, output: 700, cacheWrite: 0, cacheRead: 3500 });

    const ecm = stats.domains.find((d) => d.domain === 'ecm')!;
    expect(ecm.executions).toBe(6);
    expect(ecm.byRole.manager).toMatchObject({ executions: 4, successRate: 0.75 });
    expect(ecm.byRole.specialist).toMatchObject({ executions: 2, successRate: 0.5 });
    expect(ecm.routing).toEqual([{ from: 'ecm-triage', to: 'ecm-diagnose', count: 2 }]);
    expect(stats.domains.map((d) => d.domain)).toEqual(['ecm', 'fraud']);

    const triage = stats.skills.find((s) => s.skill === 'ecm-triage')!;
    expect(triage).toMatchObject({
      domain: 'ecm',
      role: 'manager',
      executions: 4,
      successRate: 0.75,
      outcomes: { success: 2, error: 1, verifier_dropped: 1 },
      p50LatencyMs: 2500,
      p95LatencyMs: 3850,
      mostUsedTool: { name: 'tickets_list', calls: 3 },
    });
    expect(triage.costUsd).toBeCloseTo(0.012, 10);
    expect(stats.skills.find((s) => s.skill === 'ecm-diagnose')).toMatchObject({ executions: 2, p50LatencyMs: 8500, mostUsedTool: null });
  });

  it('stores proposals as pending only', async () => {
    const store = sqlProposalStore(database.db);
    const created = await store.create(
      {
        domain: 'ecm',
        orderId: 'ORD-2026-000001',
        action: 'Refund',
        rationale: 'refund_pending',
        needsSupervisor: true,
        amountAed: 7500,
        skill: 'ecm-resolve',
        traceId: 't',
      },
      new Date('2026-02-17T03:00:00Z'),
    );
    expect(created).toMatchObject({
      status: 'pending',
      needsSupervisor: true,
      amountAed: 7500,
      createdAt: new Date('2026-02-17T03:00:00Z'),
    });
    expect(await listProposals(database.db, 'ecm', 'pending')).toEqual([created]);
    await expect(database.db.query(`UPDATE proposals SET status = 'executed'`)).rejects.toThrow(/check constraint/);
  });

  it('keeps no secret and no customer contact detail in what it logs', async () => {
    const url = 'postgres://u:s3cr3t@127.0.0.1:1/x?password=s3cr3t&sslpassword=s3cr3t';
    await recordExecution(
      database.db,
      execution({
        id: 'exec-redacted',
        domain: 'log-redaction',
        createdAt: new Date('2025-01-01T00:00:00Z'), // outside every window the other checks read
        inputSummary: `facts from ${url}; ask ava.customer@example.com`,
        output: { bullets: ['Call +971 50 123 4567 today', '412 actionable'], customer: { full_name: 'Ava Customer' } },
        toolCalls: [{ ...call('ecm_order_details'), ok: false, error: `warehouse down: ${url}` }],
        outcome: 'error',
        outcomeDetail: 'LLM API failed for PGPASSWORD=s3cr3t, customer 050 123 4567',
      }),
    );
    const [row] = await queryRows(
      database.db,
      `SELECT input_summary, output, tool_calls, outcome_detail FROM skill_executions WHERE id = 'exec-redacted'`,
    );
    const logged = JSON.stringify(row);
    for (const secret of ['s3cr3t', 'ava.customer@example.com', '123 4567', 'Ava Customer']) expect(logged).not.toContain(secret);
    expect(logged).toContain('postgres://u:***@127.0.0.1:1/x?password=***');
    expect(logged).toContain('412 actionable');
    expect(logged).toContain('ecm_order_details'); // a tool's name is kept
  });
});
