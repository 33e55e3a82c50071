import type { TriageResult } from '@ecm/core/domain';
import type { Analyst } from './analyst.js';
import type { PhaseName, PhasePlan, PlanOf } from './phase.js';

/** The specialist's share of a patterns report: the clusters routed to it, diagnosed (with the triage for the chain). */
async function diagnoses(analyst: Analyst, plan: PlanOf<'patterns'>, triage: () => Promise<TriageResult>) {
  const routed = plan.facts.clusters.filter((c) => c.route_to_specialist);
  return analyst.diagnose(routed, routed.length ? await triage() : undefined);
}

/** Adds the analyst's replies to the report's thread: insights, and for patterns the specialist's diagnoses. */
export async function withAnalysis<P extends PhaseName>(
  analyst: Analyst,
  phase: P,
  triage: () => Promise<TriageResult>,
  plan: PlanOf<P>,
): Promise<PlanOf<P>> {
  const [main, ...rest] = plan.messages;
  if (!main || phase === 'sla') return plan;
  const replies = [await analyst.insights(phase as Exclude<PhaseName, 'sla'>, plan.facts)];
  if (phase === 'patterns') replies.push(...(await diagnoses(analyst, plan as PhasePlan as PlanOf<'patterns'>, triage)));
  return { ...plan, messages: [{ ...main, thread: [...main.thread, ...replies] }, ...rest] };
}
