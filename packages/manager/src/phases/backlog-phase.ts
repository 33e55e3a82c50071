import type { BacklogFacts } from '@ecm/core/domain';
import { renderBacklogMessage } from '../render/backlog-message.js';
import type { PhaseContext, PhasePlan } from './phase.js';
import { backlogFacts, localDate } from '@ecm/core/domain';
import { fetchPipeline } from '@ecm/core/warehouse';

/** The last successful backlog of an earlier day, for "up/down vs the previous day". */
async function previousBacklog(ctx: PhaseContext, today: string): Promise<{ date: string; actionable: number } | null> {
  const { RunStore } = await import('./run-store.js');
  const earlier = await new RunStore(ctx.state).succeededFactsBefore('backlog', ctx.asOf, 20);
  for (const saved of earlier) {
    const facts = saved as Partial<BacklogFacts> | null;
    if (facts?.date && facts.date < today && typeof facts.actionable === 'number') return { date: facts.date, actionable: facts.actionable };
  }
  return null;
}

export async function planBacklog(ctx: PhaseContext): Promise<PhasePlan> {
  const triage = await ctx.triage();
  const pipeline = await fetchPipeline(ctx.warehouse, ctx.config, ctx.asOf);
  const today = localDate(ctx.asOf, ctx.config.settings.reports.time_zone);
  const facts = backlogFacts(ctx.config, triage, pipeline, await previousBacklog(ctx, today));
  return { facts: { ...facts }, messages: [renderBacklogMessage(ctx.config, facts)], writes: {} };
}
