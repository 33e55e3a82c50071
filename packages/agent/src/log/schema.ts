import { ensureChainSchema } from '../chain/chain-schema.js';
import { runStatements, type SqlQueryable } from '../db/sql.js';

export const OUTCOMES = ['success', 'error', 'budget_skipped', 'max_turns', 'verifier_dropped'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Outcomes where the skill produced usable output; the success rate of §15 counts these. */
export const SUCCESS_OUTCOMES: readonly Outcome[] = ['success', 'verifier_dropped'];

const outcomeList = OUTCOMES.map((o) => `'${o}'`).join(', ');

/** The agent runtime's tables in the state database (PostgreSQL or PGlite). Idempotent. */
export const AGENT_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS skill_executions (
    id text PRIMARY KEY,
    created_at timestamptz NOT NULL,
    domain text NOT NULL,
    skill text NOT NULL,
    role text NOT NULL,
    model text NOT NULL,
    subject text,
    input_summary text NOT NULL,
    output jsonb,
    tool_calls jsonb NOT NULL DEFAULT '[]'::jsonb,
    turns integer NOT NULL DEFAULT 0,
    input_tokens integer NOT NULL DEFAULT 0,
    output_tokens integer NOT NULL DEFAULT 0,
    cache_write_tokens integer NOT NULL DEFAULT 0,
    cache_read_tokens integer NOT NULL DEFAULT 0,
    cost_usd double precision NOT NULL DEFAULT 0,
    latency_ms integer NOT NULL DEFAULT 0,
    outcome text NOT NULL CHECK (outcome IN (${outcomeList})),
    outcome_detail text,
    notes jsonb NOT NULL DEFAULT '[]'::jsonb,
    routed_from text,
    routed_to text,
    user_correction text,
    trace_id text NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS skill_executions_domain_time ON skill_executions (domain, created_at)`,
  `CREATE INDEX IF NOT EXISTS skill_executions_subject ON skill_executions (domain, skill, subject, created_at)`,
  `CREATE TABLE IF NOT EXISTS proposals (
    id text PRIMARY KEY,
    created_at timestamptz NOT NULL,
    domain text NOT NULL,
    order_id text NOT NULL,
    action text NOT NULL,
    rationale text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    needs_supervisor boolean NOT NULL,
    amount_aed double precision,
    skill text NOT NULL,
    trace_id text NOT NULL,
    decided_by text,
    decided_at timestamptz,
    decision_reason text
  )`,
  // Databases created before decisions carried a reason.
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS decision_reason text`,
  `CREATE INDEX IF NOT EXISTS proposals_status ON proposals (domain, status, created_at)`,
  // The detail page's parts (full masked input, reasoning turns, latency split), kept apart from the row.
  `CREATE TABLE IF NOT EXISTS skill_execution_details (
    execution_id text PRIMARY KEY REFERENCES skill_executions (id) ON DELETE CASCADE,
    span_id text,
    input text NOT NULL,
    turns jsonb NOT NULL DEFAULT '[]'::jsonb,
    model_ms integer NOT NULL DEFAULT 0,
    tools_ms integer NOT NULL DEFAULT 0
  )`,
  // The log under the column names of the design's monitoring SQL (deploy/grafana/README.md lists its queries).
  `CREATE OR REPLACE VIEW aspora_skill_executions AS
   SELECT e.id AS execution_id, e.created_at AS "timestamp", e.domain, e.skill AS skill_name, e.role AS skill_role, e.model,
     e.outcome, e.cost_usd AS cost_dollars, e.latency_ms / 1000.0 AS latency_seconds,
     coalesce(d.model_ms, 0) / 1000.0 AS model_seconds, coalesce(d.tools_ms, 0) / 1000.0 AS tool_seconds,
     coalesce(d.input, e.input_summary) AS input_data, e.output AS output_data, coalesce(d.turns, '[]'::jsonb) AS reasoning_trace,
     e.tool_calls, e.user_correction, e.routed_from AS manager_skill, e.routed_to AS specialist_skill,
     e.input_tokens AS prompt_tokens, e.output_tokens AS completion_tokens, e.trace_id, d.span_id
   FROM skill_executions e LEFT JOIN skill_execution_details d ON d.execution_id = e.id`,
];

export async function ensureAgentSchema(db: SqlQueryable): Promise<void> {
  await runStatements(db, AGENT_SCHEMA);
  await ensureChainSchema(db);
}
