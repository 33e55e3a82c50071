import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { READ_ONLY } from './tool-inputs.js';

const counts = z.record(z.string(), z.number());

export const ecmBacklogSummary = defineTool({
  name: 'ecm_backlog_summary',
  title: 'Stuck-order backlog summary',
  description:
    "The triage engine's summary at the current run time: candidates, actionable, monitor-only and disqualified counts; actionable orders by reason, team, priority, age category and currency; value at risk in AED; high-value and customer-impact counts; and the sanity check on the actionable count (typical 200–600; above 1,000 a warning, above 2,000 assignment stops). Counts only, no order or customer data.",
  input: {},
  output: {
    as_of: z.string(),
    candidates: z.number().int(),
    actionable: z.number().int(),
    monitor_only: z.number().int(),
    disqualified: z.number().int(),
    disqualified_by_reason: counts,
    actionable_by_reason: counts,
    actionable_by_team: counts,
    actionable_by_priority: counts,
    actionable_by_category: counts,
    actionable_by_currency: z.record(
      z.string(),
      z.object({
        count: z.number(),
        amount: z.number(),
        amount_aed: z.number(),
        amount_decimal: z.string(),
        amount_aed_decimal: z.string(),
      }),
    ),
    value_at_risk_aed: z.number(),
    value_at_risk_aed_decimal: z.string().describe('the exact value at risk in AED, as a decimal string'),
    quarantined: z.number().int().describe('candidates left out because their warehouse row failed validation'),
    high_value: z.number().int(),
    customer_impact: z.number().int(),
    sanity: z.object({ status: z.string(), assignment_allowed: z.boolean(), message: z.string() }),
  },
  annotations: READ_ONLY,
  async run(ctx) {
    const { result } = await ctx.triage();
    const s = result.summary;
    const by = (m: Readonly<Record<string, number>>) =>
      Object.entries(m)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none';
    const text = [
      `${s.actionable} actionable of ${s.candidates} candidates at ${result.as_of} (${s.monitor_only} monitor-only, ${s.disqualified} disqualified)`,
      `Value at risk: ${s.value_at_risk_aed_decimal} AED; ${s.high_value} high-value, ${s.customer_impact} with customer money held`,
      `By priority: ${by(s.actionable_by_priority)}`,
      `By team: ${by(s.actionable_by_team)}`,
      `By reason: ${by(s.actionable_by_reason)}`,
      `Disqualified: ${by(s.disqualified_by_reason)}`,
      `Sanity: ${s.sanity.message}`,
    ].join('\n');
    return { structured: { as_of: result.as_of, ...s }, text };
  },
});
