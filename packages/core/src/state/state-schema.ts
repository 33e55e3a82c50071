import { PII_REVEAL_SCHEMA } from '../audit/pii-reveals.js';
import { CLASSIFICATION_CORRECTIONS_SCHEMA } from '../triage/classification-corrections.js';

/**
 * The state database's tables. The first six mirror the tabs of the "ECM Operations" sheet (§9);
 * the rest keep run records so that a re-run neither posts nor assigns twice.
 * Statements are idempotent (IF NOT EXISTS) and run on every open.
 */
export const STATE_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS agents (
    email text PRIMARY KEY,
    name text NOT NULL,
    team text NOT NULL,
    slack_handle text,
    active boolean NOT NULL DEFAULT true,
    max_tickets integer NOT NULL,
    role text NOT NULL DEFAULT 'agent'
  )`,
  `CREATE TABLE IF NOT EXISTS tickets (
    order_id text PRIMARY KEY,
    agent_email text NOT NULL,
    assigned_at timestamptz NOT NULL,
    status text NOT NULL,
    priority text NOT NULL,
    currency text NOT NULL,
    amount numeric NOT NULL,
    hours_stuck numeric NOT NULL,
    diagnosis text NOT NULL,
    notes text NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS tickets_agent_status ON tickets (agent_email, status)`,
  `CREATE TABLE IF NOT EXISTS resolutions (
    resolved_at timestamptz NOT NULL,
    order_id text NOT NULL,
    agent_email text NOT NULL,
    notes text NOT NULL,
    assigned_at timestamptz NOT NULL,
    resolution_minutes numeric NOT NULL,
    sla_target_minutes numeric NOT NULL,
    sla_status text NOT NULL,
    stuck_reason text NOT NULL,
    amount numeric NOT NULL,
    currency text NOT NULL,
    diagnosis_match text NOT NULL,
    action_followed text NOT NULL,
    resolution_type text NOT NULL,
    PRIMARY KEY (order_id, resolved_at)
  )`,
  `CREATE TABLE IF NOT EXISTS escalations (
    escalated_at timestamptz NOT NULL,
    order_id text NOT NULL,
    escalated_by text NOT NULL,
    reason text NOT NULL,
    order_status text NOT NULL,
    stuck_hours numeric NOT NULL,
    amount numeric NOT NULL,
    currency text NOT NULL,
    priority text NOT NULL,
    assigned_to text NOT NULL,
    resolved_at timestamptz,
    resolution_notes text,
    PRIMARY KEY (order_id, escalated_at)
  )`,
  `CREATE TABLE IF NOT EXISTS pattern_intelligence (
    date text NOT NULL,
    pattern_id text NOT NULL,
    stuck_reason text NOT NULL,
    currency text NOT NULL,
    signature text NOT NULL,
    order_count integer NOT NULL,
    total_amount_aed numeric NOT NULL,
    avg_hours numeric NOT NULL,
    high_value_count integer NOT NULL,
    critical_count integer NOT NULL,
    delta text NOT NULL,
    recommendation text NOT NULL,
    PRIMARY KEY (date, pattern_id)
  )`,
  `CREATE TABLE IF NOT EXISTS daily_stats (
    date text NOT NULL,
    agent_email text NOT NULL,
    resolved integer NOT NULL,
    avg_minutes numeric NOT NULL,
    sla_met_pct numeric NOT NULL,
    escalated integer NOT NULL,
    PRIMARY KEY (date, agent_email)
  )`,
  // Per-agent figures added to the Daily Stats rows (older stores gain the columns here).
  `ALTER TABLE daily_stats ADD COLUMN IF NOT EXISTS assigned integer`,
  `ALTER TABLE daily_stats ADD COLUMN IF NOT EXISTS median_minutes numeric`,
  // Reassignments and reopenings: who, when, why (the Ticket History tab of the sheet).
  `CREATE TABLE IF NOT EXISTS ticket_history (
    at timestamptz NOT NULL,
    order_id text NOT NULL,
    action text NOT NULL,
    from_agent text NOT NULL,
    to_agent text NOT NULL,
    by_whom text NOT NULL,
    reason text NOT NULL,
    PRIMARY KEY (order_id, at, action)
  )`,
  // Slack user ids by e-mail (users.lookupByEmail), so mentions do not ask Slack every run.
  `CREATE TABLE IF NOT EXISTS slack_users (
    email text PRIMARY KEY,
    user_id text NOT NULL,
    looked_up_at timestamptz NOT NULL
  )`,
  // Each SLA-watch alert raised: a level once per ticket (the 48 h daily update once per day; day is '' otherwise).
  `CREATE TABLE IF NOT EXISTS sla_alerts (
    order_id text NOT NULL,
    level text NOT NULL,
    day text NOT NULL,
    raised_at timestamptz NOT NULL,
    run_key text NOT NULL,
    PRIMARY KEY (order_id, level, day)
  )`,
  // One row per phase and scheduled slot: the run key that makes re-runs safe.
  `CREATE TABLE IF NOT EXISTS runs (
    run_key text PRIMARY KEY,
    phase text NOT NULL,
    slot text NOT NULL,
    as_of timestamptz NOT NULL,
    status text NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    error text,
    facts jsonb,
    plan jsonb
  )`,
  `CREATE INDEX IF NOT EXISTS runs_phase_started ON runs (phase, started_at)`,
  // Each message of a run and how far its posting got: a crashed run resumes here.
  `CREATE TABLE IF NOT EXISTS run_posts (
    run_key text NOT NULL,
    message_index integer NOT NULL,
    title text NOT NULL,
    parent_ts text,
    replies_posted integer NOT NULL DEFAULT 0,
    replies_total integer NOT NULL,
    PRIMARY KEY (run_key, message_index)
  )`,
  // The post in flight (0 = main message, n = reply n) and when its intent was recorded: a post with
  // an intent but no recorded ts may have reached Slack, so the next run looks it up before re-sending.
  `ALTER TABLE run_posts ADD COLUMN IF NOT EXISTS pending_post integer`,
  `ALTER TABLE run_posts ADD COLUMN IF NOT EXISTS intent_at timestamptz`,
  // Who holds the run lock, so a second run can name it.
  `CREATE TABLE IF NOT EXISTS run_lock_holder (
    id integer PRIMARY KEY,
    holder text NOT NULL,
    acquired_at timestamptz NOT NULL
  )`,
  // The fencing token of the run holding the lock: a run whose token was replaced has lost its lock.
  `ALTER TABLE run_lock_holder ADD COLUMN IF NOT EXISTS token text`,
  // The record of personal data shown unmasked (owned by audit/pii-reveals.ts).
  ...PII_REVEAL_SCHEMA,
  // Corrections of a ticket's classification (owned by triage/classification-corrections.ts).
  CLASSIFICATION_CORRECTIONS_SCHEMA,
];
