import { z } from 'zod';
import { patternClusterViewSchema } from '@ecm/core/domain';
import type { BacklogFacts as CoreBacklogFacts, Direction, QuarantinedOrder, ReasonLearning, SanityCheck } from '@ecm/core/domain';
import type { SlackMessage } from '@ecm/core/slack';
import type { ProposalCheck } from '@ecm/agent';
import type { PhaseWrites } from './phase.js';

/*
 * The facts each phase computes: what its report shows, what the analyst reads and what later runs
 * (the next backlog, health, the gauges) read back from the run store. Plans are saved before any
 * write and read back after a crash, so the facts are parsed on the way in: one schema per phase,
 * the type derived from it. Values another package owns (core's sanity check, learning, quarantine
 * entries; the agent's proposal checks) are typed here and validated by their owner.
 */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const counts = z.record(z.string(), z.number());
const sanity = z.custom<SanityCheck>(record, 'a sanity check');

/** Core computes the backlog's numbers (backlogFacts); the fields later runs read are checked here. */
export const backlogFactsSchema = z.custom<CoreBacklogFacts>(
  (v) =>
    record(v) &&
    typeof v.date === 'string' &&
    typeof v.actionable === 'number' &&
    Array.isArray(v.quarantined) &&
    record(v.direction as Direction),
  'backlog facts (date, actionable, quarantined, direction)',
);
export type BacklogFacts = CoreBacklogFacts;
export type { QuarantinedOrder };

export const triageFactsSchema = z.object({
  as_of: z.string(),
  report_time: z.string(),
  actionable: z.number(),
  assignment_allowed: z.boolean(),
  sanity,
  assigned: z.number(),
  assigned_value_aed: z.number(),
  assigned_value_aed_decimal: z.string(),
  assigned_by_priority: counts,
  assigned_high_value: z.number(),
  already_open: z.number(),
  resolved_still_stuck: z.number(),
  overflow: z.object({ P1: z.number(), P2: z.number(), P3: z.number(), P4: z.number(), total: z.number() }),
  not_assigned_by_gate: z.number(),
  capacity: z.array(
    z.object({
      email: z.string(),
      handle: z.string(),
      team: z.string(),
      max_tickets: z.number(),
      open_before: z.number(),
      assigned: z.number(),
      free_after: z.number(),
    }),
  ),
  assignments: z.array(
    z.object({
      order_id: z.string(),
      agent: z.string(),
      agent_email: z.string(),
      priority: z.string(),
      score: z.number(),
      stuck_reason: z.string(),
      currency: z.string(),
      send_amount: z.number(),
      amount_aed: z.number(),
      send_amount_decimal: z.string(),
      amount_aed_decimal: z.string(),
      hours: z.number(),
      high_value: z.boolean(),
      action: z.string(),
    }),
  ),
  self_healed: z.array(z.object({ order_id: z.string(), agent_email: z.string(), stuck_reason: z.string() })),
  orphaned: z.array(z.object({ order_id: z.string(), agent_email: z.string(), priority: z.string() })),
});
export type TriageFacts = z.infer<typeof triageFactsSchema>;

/** A cluster as the patterns report shows it: core's view of it, with its trend, advice and routing. */
export const patternClusterSchema = patternClusterViewSchema.extend({
  trend: z.string(),
  recommendation: z.string(),
  /** Enough critical orders for the specialist's diagnosis (settings.patterns.diagnose_min_critical). */
  route_to_specialist: z.boolean(),
  sample_order_ids: z.array(z.string()),
});
export type PatternClusterFacts = z.infer<typeof patternClusterSchema>;

/** What the patterns report shows. */
export const patternsReportFactsSchema = z.object({
  as_of: z.string(),
  report_time: z.string(),
  date: z.string(),
  previous_date: z.string().nullable(),
  orders_in_patterns: z.number(),
  pattern_count: z.number(),
  novel_count: z.number(),
  gone: z.array(z.string()),
  /** Reasons whose weight the learning loop changed or flagged (§13). */
  learning: z.array(z.custom<ReasonLearning>(record, 'a reason learning')),
  clusters: z.array(patternClusterSchema),
});
export type PatternsFacts = z.infer<typeof patternsReportFactsSchema>;

/** The patterns phase's facts: the report's, plus the verification of approved fixes. */
export const patternsFactsSchema = patternsReportFactsSchema.extend({
  proposal_checks: z.array(z.custom<ProposalCheck>(record, 'a proposal check')),
});
export type PatternsPhaseFacts = z.infer<typeof patternsFactsSchema>;

export const slaFactsSchema = z.object({
  as_of: z.string(),
  report_time: z.string(),
  open_tickets: z.number(),
  /** Open tickets past their SLA now, raised in this run or before (the breach gauge). */
  breached: z.number(),
  raised: z.number(),
  by_level: counts,
  alerts: z.array(
    z.object({
      order_id: z.string(),
      level: z.string(),
      team: z.string(),
      agent_email: z.string(),
      order_hours: z.number(),
      sla_left_minutes: z.number(),
      channel: z.string().nullable(),
    }),
  ),
});
export type SlaFacts = z.infer<typeof slaFactsSchema>;

/** Reassignment notices (`tickets reassign | handover`): the moves they announce. */
export const noticeFactsSchema = z.object({ moves: z.array(z.unknown()) });
export type NoticeFacts = z.infer<typeof noticeFactsSchema>;

/** Each recorded phase's facts schema, by the `phase` column of its run. */
export const FACTS_SCHEMAS = {
  backlog: backlogFactsSchema,
  triage: triageFactsSchema,
  patterns: patternsFactsSchema,
  sla: slaFactsSchema,
  notify: noticeFactsSchema,
} as const;
export type RecordedPhase = keyof typeof FACTS_SCHEMAS;
export type FactsOf<P extends RecordedPhase> = z.infer<(typeof FACTS_SCHEMAS)[P]>;

/** A saved plan of one recorded phase, as read back from the run store. */
export function planSchemaFor<P extends RecordedPhase>(phase: P) {
  return z.object({
    facts: FACTS_SCHEMAS[phase] as unknown as z.ZodType<FactsOf<P>>,
    messages: z.array(z.custom<SlackMessage>(record, 'a Slack message')),
    writes: z.custom<PhaseWrites>(record, 'the plan writes'),
  });
}
