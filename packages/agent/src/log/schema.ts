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
];

export async function ensureAgentSchema(db: SqlQueryable): Promise<void> {
  await runStatements(db, AGENT_SCHEMA);
  await ensureChainSchema(db);
}
