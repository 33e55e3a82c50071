import { z } from 'zod';
import { renderBacklogMessage } from '../render/backlog-message.js';
import type { PhaseContext, PlanOf } from './phase.js';
import { RunStore } from './run-store.js';
import { backlogFacts, localDate } from '@ecm/core/domain';
import { fetchPipeline } from '@ecm/core/warehouse';

/** What an earlier backlog run must have recorded to be compared with (older runs may lack other facts). */
const comparable = z.object({ date: z.string().min(1), actionable: z.number() });

/** The last successful backlog of an earlier day, for "up/down vs the previous day". */
async function previousBacklog(ctx: PhaseContext, today: string): Promise<{ date: string; actionable: number } | null> {
  for (const stored of await new RunStore(ctx.state).succeededFactsBefore('backlog', ctx.asOf, 20)) {
    const facts = comparable.safeParse(stored);
    if (facts.success && facts.data.date < today) return { date: facts.data.date, actionable: facts.data.actionable };
  }
  return null;
}

export async function planBacklog(ctx: PhaseContext): Promise<PlanOf<'backlog'>> {
  const triage = await ctx.triage();
  const pipeline = await fetchPipeline(ctx.warehouse, ctx.config, ctx.asOf);
  const today = localDate(ctx.asOf, ctx.config.settings.reports.time_zone);
  const facts = backlogFacts(ctx.config, triage, pipeline, await previousBacklog(ctx, today));
  return { facts, messages: [renderBacklogMessage(ctx.config, facts)], writes: {} };
}
