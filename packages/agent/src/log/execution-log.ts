import { z } from 'zod';
import type { TokenUsage } from '../budget/pricing.js';
import { queryRows, sqlNumber, type SqlQueryable } from '../db/sql.js';
import { maskSecrets, maskSecretsDeep } from '@ecm/core/text';
import { redactPii } from '../insights/redact-pii.js';
import type { Outcome } from './schema.js';

/**
 * What the log keeps of a text or value the run saw: passwords masked, customers' names (under their
 * keys), e-mails and phone numbers masked. The log outlives the run and is read by people who
 * must not see either.
 */
export function forLog<T>(value: T): T {
  return redactPii(maskSecretsDeep(value)) as T;
}
export const textForLog = (text: string | null): string | null => (text === null ? null : (redactPii(maskSecrets(text)) as string));

/** One tool call as the log keeps it: never the raw arguments (they may hold PII), only a digest. */
export interface ToolCallRecord {
  readonly name: string;
  readonly args_digest: string;
  readonly ms: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly turn: number;
}

/** One skill execution: a row of `skill_executions`. */
export interface ExecutionRecord {
  readonly id: string;
  readonly createdAt: Date;
  readonly domain: string;
  readonly skill: string;
  readonly role: string;
  readonly model: string;
  readonly subject: string | null;
  readonly inputSummary: string;
  readonly output: unknown;
  readonly toolCalls: readonly ToolCallRecord[];
  readonly turns: number;
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly latencyMs: number;
  readonly outcome: Outcome;
  readonly outcomeDetail: string | null;
  /** What happened along the way: limits hit, tools withheld or refused, bullets dropped. */
  readonly notes?: readonly string[];
  readonly routing: { readonly from: string; readonly to: string } | null;
  readonly traceId: string;
}

export async function recordExecution(db: SqlQueryable, r: ExecutionRecord): Promise<void> {
  await db.query(
    `INSERT INTO skill_executions (id, created_at, domain, skill, role, model, subject, input_summary, output, tool_calls, turns,
       input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, cost_usd, latency_ms, outcome, outcome_detail,
       routed_from, routed_to, trace_id, notes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23::jsonb)`,
    [
      r.id,
      r.createdAt.toISOString(),
      r.domain,
      r.skill,
      r.role,
      r.model,
      r.subject,
      textForLog(r.inputSummary),
      r.output === undefined ? null : JSON.stringify(forLog(r.output)),
      // A tool's name is no customer's name: only the error text is redacted.
      JSON.stringify(r.toolCalls.map((c) => (c.error === undefined ? c : { ...c, error: textForLog(c.error) }))),
      r.turns,
      r.usage.input,
      r.usage.output,
      r.usage.cacheWrite,
      r.usage.cacheRead,
      r.costUsd,
      Math.round(r.latencyMs),
      r.outcome,
      textForLog(r.outcomeDetail),
      r.routing?.from ?? null,
      r.routing?.to ?? null,
      r.traceId,
      JSON.stringify(forLog(r.notes ?? [])),
    ],
  );
}

/** A human's correction of an execution's output (e.g. the diagnosis was wrong), for the learning loop. */
export async function recordUserCorrection(db: SqlQueryable, executionId: string, correction: string): Promise<boolean> {
  const rows = await queryRows(db, 'UPDATE skill_executions SET user_correction = $2 WHERE id = $1 RETURNING id', [
    executionId,
    textForLog(correction),
  ]);
  return rows.length === 1;
}

/** Dollars a domain spent on model calls since `since`. */
export async function spentSince(db: SqlQueryable, domain: string, since: Date): Promise<number> {
  const rows = await queryRows(
    db,
    'SELECT coalesce(sum(cost_usd), 0)::float8 AS spent FROM skill_executions WHERE domain = $1 AND created_at >= $2',
    [domain, since.toISOString()],
  );
  return z.object({ spent: sqlNumber }).parse(rows[0]).spent;
}

/** Dollars spent by every domain together since `since`: the trigger service's global daily budget. */
export async function spentSinceAllDomains(db: SqlQueryable, since: Date): Promise<number> {
  const rows = await queryRows(db, 'SELECT coalesce(sum(cost_usd), 0)::float8 AS spent FROM skill_executions WHERE created_at >= $1', [
    since.toISOString(),
  ]);
  return z.object({ spent: sqlNumber }).parse(rows[0]).spent;
}

/** How many executions of `skill` about `subject` since `since` produced output (errors and skips do not count). */
export async function countSubjectExecutions(
  db: SqlQueryable,
  q: { domain: string; skill: string; subject: string; since: Date },
): Promise<number> {
  const rows = await queryRows(
    db,
    `SELECT count(*)::int AS n FROM skill_executions
     WHERE domain = $1 AND skill = $2 AND subject = $3 AND created_at >= $4 AND outcome IN ('success', 'verifier_dropped', 'max_turns')`,
    [q.domain, q.skill, q.subject, q.since.toISOString()],
  );
  return z.object({ n: sqlNumber }).parse(rows[0]).n;
}
