import { z } from 'zod';
import type { TokenUsage } from '../budget/pricing.js';
import { queryRows, sqlDate, sqlNumber, type SqlQueryable } from '../db/sql.js';
import { maskSecrets, maskSecretsDeep } from '@ecm/core/text';
import { redactPii } from '../insights/redact-pii.js';
import { type ExecutionRecord, forLog, textForLog } from './execution-log.js';

/** One tool call as the detail page shows it: masked arguments and the start of the result. */
export interface ToolCallDetail {
  readonly id: string;
  readonly name: string;
  readonly arguments: unknown;
  readonly ms: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly result_chars: number;
  readonly result_preview: string;
}

/** One assistant turn: what the model wrote (its reasoning between tool calls) and what it asked for. */
export interface TurnDetail {
  readonly turn: number;
  readonly text: string | null;
  readonly stop_reason: string | null;
  readonly model: string | null;
  readonly model_ms: number;
  readonly attempts: number;
  readonly usage: TokenUsage;
  readonly cost_usd: number;
  readonly tool_calls: readonly ToolCallDetail[];
  /** Wall time of this turn's tool calls (they run in parallel). */
  readonly tools_ms: number;
}

/** What the design's detail page needs beyond the `skill_executions` row. */
export interface ExecutionDetail {
  readonly executionId: string;
  readonly spanId: string | null;
  /** The user message as sent (facts are masked before they reach a prompt); masked again here. */
  readonly input: string;
  readonly turns: readonly TurnDetail[];
  readonly modelMs: number;
  readonly toolsMs: number;
}

const PREVIEW_CHARS = 300;
const ARGUMENT_CHARS = 2000;

/** Masks secrets and PII in a tool result (before it is cut): JSON results key by key, any text for e-mails and phone numbers. */
export function maskedPreview(text: string, max = PREVIEW_CHARS): string {
  let masked: string;
  try {
    masked = JSON.stringify(redactPii(maskSecretsDeep(JSON.parse(text))));
  } catch {
    masked = String(redactPii(maskSecrets(text)));
  }
  return masked.length <= max ? masked : `${masked.slice(0, max - 1)}…`;
}

export function maskedArguments(input: unknown): unknown {
  const masked = redactPii(maskSecretsDeep(input));
  const json = JSON.stringify(masked) ?? 'null';
  return json.length <= ARGUMENT_CHARS ? masked : { truncated: `${json.slice(0, ARGUMENT_CHARS - 1)}…` };
}

/**
 * A turn as the log keeps it: the execution log's masking (secrets, then PII) on what the model wrote
 * and on each tool call's arguments, error and result. Names of tools and models are kept as they are.
 */
function turnForLog(t: TurnDetail): TurnDetail {
  return {
    ...t,
    text: textForLog(t.text),
    tool_calls: t.tool_calls.map((c) => ({
      ...c,
      arguments: forLog(c.arguments),
      ...(c.error === undefined ? {} : { error: textForLog(c.error) ?? '' }),
      result_preview: textForLog(c.result_preview) ?? '',
    })),
  };
}

/** Stores an execution's detail next to its log row (a table of its own; the row's columns stay as they are). */
export async function recordExecutionDetail(db: SqlQueryable, d: ExecutionDetail): Promise<void> {
  await db.query(
    `INSERT INTO skill_execution_details (execution_id, span_id, input, turns, model_ms, tools_ms) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
     ON CONFLICT (execution_id) DO NOTHING`,
    [
      d.executionId,
      d.spanId,
      textForLog(d.input) ?? '',
      JSON.stringify(d.turns.map(turnForLog)),
      Math.round(d.modelMs),
      Math.round(d.toolsMs),
    ],
  );
}

const json = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), schema);
// Columns selected as `jsonb::text`: always JSON text (or NULL).
const usage = z.object({ input: sqlNumber, output: sqlNumber, cacheWrite: sqlNumber, cacheRead: sqlNumber });
const toolCall = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.unknown(),
  ms: sqlNumber,
  ok: z.boolean(),
  error: z.string().optional(),
  result_chars: sqlNumber,
  result_preview: z.string(),
});
const turn = z.object({
  turn: sqlNumber,
  text: z.string().nullable(),
  stop_reason: z.string().nullable(),
  model: z.string().nullable(),
  model_ms: sqlNumber,
  attempts: sqlNumber,
  usage,
  cost_usd: sqlNumber,
  tool_calls: z.array(toolCall),
  tools_ms: sqlNumber,
});
const pageRow = z.object({
  id: z.string(),
  created_at: sqlDate,
  domain: z.string(),
  skill: z.string(),
  role: z.string(),
  model: z.string(),
  subject: z.string().nullable(),
  input_summary: z.string(),
  input: z.string().nullable(),
  output: json(z.unknown()).nullable(),
  tool_calls: json(
    z.array(z.object({ name: z.string(), ms: sqlNumber, ok: z.boolean(), turn: sqlNumber, error: z.string().optional() }).passthrough()),
  ),
  turns_detail: json(z.array(turn)).nullable(),
  turns: sqlNumber,
  input_tokens: sqlNumber,
  output_tokens: sqlNumber,
  cache_write_tokens: sqlNumber,
  cache_read_tokens: sqlNumber,
  cost_usd: sqlNumber,
  latency_ms: sqlNumber,
  model_ms: sqlNumber.nullable(),
  tools_ms: sqlNumber.nullable(),
  outcome: z.string(),
  outcome_detail: z.string().nullable(),
  notes: json(z.array(z.string())),
  routed_from: z.string().nullable(),
  routed_to: z.string().nullable(),
  user_correction: z.string().nullable(),
  trace_id: z.string(),
  span_id: z.string().nullable(),
});

/** The design's execution detail page: one execution with its input, reasoning turns, tool calls, output, cost and latency split. */
export interface ExecutionPage extends Pick<ExecutionRecord, 'id' | 'createdAt' | 'domain' | 'skill' | 'role' | 'model' | 'subject'> {
  readonly routedFrom: string | null;
  readonly routedTo: string | null;
  readonly traceId: string;
  readonly spanId: string | null;
  /** The full (masked) input when the detail was kept; otherwise the row's summary. */
  readonly input: string;
  readonly turns: readonly TurnDetail[];
  readonly toolCalls: readonly {
    readonly name: string;
    readonly ms: number;
    readonly ok: boolean;
    readonly turn: number;
    readonly error?: string | undefined;
  }[];
  readonly output: unknown;
  readonly outcome: string;
  readonly outcomeDetail: string | null;
  readonly notes: readonly string[];
  readonly userCorrection: string | null;
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly latency: { readonly totalMs: number; readonly modelMs: number | null; readonly toolsMs: number | null };
}

/** One execution's detail page, by id (a unique prefix of at least 8 characters also works); null when none matches. */
export async function executionPage(db: SqlQueryable, id: string): Promise<ExecutionPage | null> {
  const rows = await queryRows(
    db,
    // jsonb as text: one parse whatever the driver does with jsonb (a JSON string output stays a string).
    `SELECT e.id, e.created_at, e.domain, e.skill, e.role, e.model, e.subject, e.input_summary, d.input, e.output::text AS output, e.tool_calls::text AS tool_calls,
       d.turns::text AS turns_detail, e.turns, e.input_tokens, e.output_tokens, e.cache_write_tokens, e.cache_read_tokens, e.cost_usd, e.latency_ms,
       d.model_ms, d.tools_ms, e.outcome, e.outcome_detail, e.notes::text AS notes, e.routed_from, e.routed_to, e.user_correction, e.trace_id, d.span_id
     FROM skill_executions e LEFT JOIN skill_execution_details d ON d.execution_id = e.id
     WHERE e.id = $1 OR (length($1) >= 8 AND e.id LIKE $1 || '%') ORDER BY (e.id = $1) DESC LIMIT 2`,
    [id],
  );
  if (rows.length === 0) return null;
  if (rows.length > 1 && rows[0]!.id !== id) throw new Error(`execution id prefix ${id} is ambiguous`);
  const r = pageRow.parse(rows[0]);
  return {
    id: r.id,
    createdAt: r.created_at,
    domain: r.domain,
    skill: r.skill,
    role: r.role,
    model: r.model,
    subject: r.subject,
    routedFrom: r.routed_from,
    routedTo: r.routed_to,
    traceId: r.trace_id,
    spanId: r.span_id,
    input: r.input ?? r.input_summary,
    turns: r.turns_detail ?? [],
    toolCalls: r.tool_calls,
    output: r.output,
    outcome: r.outcome,
    outcomeDetail: r.outcome_detail,
    notes: r.notes,
    userCorrection: r.user_correction,
    usage: { input: r.input_tokens, output: r.output_tokens, cacheWrite: r.cache_write_tokens, cacheRead: r.cache_read_tokens },
    costUsd: r.cost_usd,
    latency: { totalMs: r.latency_ms, modelMs: r.model_ms, toolsMs: r.tools_ms },
  };
}
