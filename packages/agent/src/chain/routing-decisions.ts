import { randomUUID } from 'node:crypto';
import { queryRows, type SqlQueryable } from '../db/sql.js';
import type { ChainRule } from './routing-config.js';

export type RoutingOutcome = 'routed' | 'not_matched' | 'already_routed_today' | 'over_daily_limit';

/** The calendar day of `at` in `timeZone`, as YYYY-MM-DD: the unit of daily limits and idempotency. */
export const localDay = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

export interface RouteRequest {
  readonly domain: string;
  readonly rule: ChainRule;
  readonly subject: string;
  readonly matched: boolean;
  readonly now: Date;
  readonly day: string;
}

/**
 * Decides one hand-off under the rule's daily limit and records the decision (the `routing_decisions`
 * table). A subject already routed by the rule today is not routed (nor counted) again.
 */
export async function decideRoute(db: SqlQueryable, req: RouteRequest): Promise<RoutingOutcome> {
  const outcome = await outcomeOf(db, req);
  await db.query(
    `INSERT INTO routing_decisions (id, domain, from_skill, to_skill, rule, subject, decided_at, decided_day, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [randomUUID(), req.domain, req.rule.from, req.rule.to, req.rule.name, req.subject, req.now.toISOString(), req.day, outcome],
  );
  return outcome;
}

async function outcomeOf(db: SqlQueryable, req: RouteRequest): Promise<RoutingOutcome> {
  if (!req.matched) return 'not_matched';
  const [row] = await queryRows(
    db,
    `SELECT count(*)::int AS routed, (count(*) FILTER (WHERE subject = $4))::int AS this_subject
     FROM routing_decisions WHERE domain = $1 AND rule = $2 AND decided_day = $3 AND outcome = 'routed'`,
    [req.domain, req.rule.name, req.day, req.subject],
  );
  if (Number(row?.this_subject ?? 0) > 0) return 'already_routed_today';
  return Number(row?.routed ?? 0) >= req.rule.max_per_day ? 'over_daily_limit' : 'routed';
}

export interface RoutingDecisionRow {
  readonly from_skill: string;
  readonly to_skill: string;
  readonly rule: string;
  readonly subject: string;
  readonly decided_day: string;
  readonly outcome: RoutingOutcome;
}

export async function listRoutingDecisions(db: SqlQueryable, domain: string): Promise<RoutingDecisionRow[]> {
  const rows = await queryRows(
    db,
    `SELECT from_skill, to_skill, rule, subject, decided_day, outcome FROM routing_decisions WHERE domain = $1 ORDER BY seq`,
    [domain],
  );
  return rows as unknown as RoutingDecisionRow[];
}
