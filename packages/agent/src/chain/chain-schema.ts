import { runStatements, type SqlQueryable } from '../db/sql.js';

/**
 * The chain's tables (owned by the agent package): routing decisions, the cluster columns of
 * `proposals`, the checklists an approval creates, and the executor calls. Idempotent.
 */
export const CHAIN_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS routing_decisions (
    id text PRIMARY KEY,
    domain text NOT NULL,
    from_skill text NOT NULL,
    to_skill text NOT NULL,
    rule text NOT NULL,
    subject text NOT NULL,
    decided_at timestamptz NOT NULL,
    decided_day text NOT NULL,
    outcome text NOT NULL,
    seq bigserial NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS routing_decisions_rule_day ON routing_decisions (domain, rule, decided_day)`,
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS cluster_id text`,
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS proposal_day text`,
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS action_kind text`,
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS action_detail jsonb`,
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS expected_effect text`,
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS order_count integer`,
  // The executions a proposal came from, so a person's feedback on its orders reaches them.
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS execution_id text`,
  `ALTER TABLE proposals ADD COLUMN IF NOT EXISTS diagnosis_execution_id text`,
  // One proposal per cluster and day: a re-run of the day finds it instead of asking the model again.
  `CREATE UNIQUE INDEX IF NOT EXISTS proposals_cluster_day ON proposals (domain, cluster_id, proposal_day)`,
  `CREATE TABLE IF NOT EXISTS proposal_checklist (
    proposal_id text NOT NULL,
    order_id text NOT NULL,
    step_no integer NOT NULL,
    step_text text NOT NULL,
    done boolean NOT NULL DEFAULT false,
    PRIMARY KEY (proposal_id, order_id, step_no)
  )`,
  `CREATE INDEX IF NOT EXISTS proposal_checklist_order ON proposal_checklist (order_id)`,
  `CREATE TABLE IF NOT EXISTS proposal_executor_calls (
    proposal_id text PRIMARY KEY,
    claimed_at timestamptz NOT NULL,
    finished_at timestamptz,
    http_status integer,
    outcome text NOT NULL,
    detail text
  )`,
];

export async function ensureChainSchema(db: SqlQueryable): Promise<void> {
  await runStatements(db, CHAIN_SCHEMA);
}
