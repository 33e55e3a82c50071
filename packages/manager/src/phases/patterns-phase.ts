import {
  clusterOrders,
  clusterTrends,
  localDate,
  patternClusterView,
  patternRowOf,
  previousPatterns,
  trendText,
  type PatternCluster,
  type PatternRow,
} from '@ecm/core/domain';
import { formatReportTime } from '@ecm/core/slack';
import { renderPatternsMessage, type PatternsFacts } from '../render/patterns-message.js';
import type { PhaseContext, PlanOf } from './phase.js';

function recommendation(ctx: PhaseContext, c: PatternCluster): string {
  const reason = ctx.config.reasons.get(c.stuck_reason);
  if (c.novel)
    return `Novel: ${c.order_count} orders share a state no rule explains; engineering to add a stuck reason (see shared/config/classification.yaml).`;
  if (!reason) return '';
  if (c.systemic)
    return `Systemic: fix once at the source — ${reason.team} with ${reason.escalation} — rather than ${c.order_count} tickets. ${reason.summary}`;
  return reason.summary;
}

/** §13: clusters, impact, majority reason, novelty, flags, trend; rows for the Pattern Intelligence tab. */
export async function planPatterns(ctx: PhaseContext): Promise<PlanOf<'patterns'>> {
  const triage = await ctx.triage();
  const p = ctx.config.settings.patterns;
  const today = localDate(ctx.asOf, ctx.config.settings.reports.time_zone);
  const clusters = clusterOrders(ctx.config, triage.orders);
  // From the ticket store, not the state database: with the Google Sheet, that is where the rows live.
  const previous = await previousPatterns(ctx.tickets, today);
  const { trends, gone } = clusterTrends(clusters, previous?.counts ?? null);
  const rows: PatternRow[] = clusters.map((c) => patternRowOf(c, today, trendText(trends.get(c.signature_text)!), recommendation(ctx, c)));
  const learning = (await ctx.learning()).filter((l) => l.multiplier !== 1 || l.flags.length > 0);
  const facts: PatternsFacts = {
    learning,
    as_of: triage.as_of,
    report_time: formatReportTime(ctx.asOf, ctx.config.settings.reports.time_zone),
    date: today,
    previous_date: previous?.date ?? null,
    orders_in_patterns: clusters.reduce((n, c) => n + c.order_count, 0),
    pattern_count: clusters.length,
    novel_count: clusters.filter((c) => c.novel).length,
    gone,
    clusters: clusters.map((c, i) => ({
      ...patternClusterView(c),
      trend: rows[i]!.delta,
      recommendation: rows[i]!.recommendation,
      route_to_specialist: c.critical_count >= p.diagnose_min_critical,
      sample_order_ids: c.order_ids.slice(0, 5),
    })),
  };
  const { proposalChecks, withProposalChecks } = await import('./proposal-checks.js');
  const checks = await proposalChecks(ctx, triage);
  return {
    facts: { ...facts, proposal_checks: checks },
    messages: [await withProposalChecks(renderPatternsMessage(facts), checks)],
    writes: { patterns: rows },
  };
}
