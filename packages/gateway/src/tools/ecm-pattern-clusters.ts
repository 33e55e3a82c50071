import {
  clusterOrders,
  clusterTrends,
  localDate,
  patternClusterView,
  patternClusterViewSchema,
  previousPatterns,
  trendText,
  type PatternHistory,
} from '@ecm/core/domain';
import { z } from 'zod';
import type { GatewayContext } from '../gateway-context.js';
import { defineTool } from './define-tool.js';
import { money, READ_ONLY } from './tool-inputs.js';
import { errorText } from '@ecm/core/text';

/** The ticket store's pattern history; none without a ticket store, and none (said in the log) when it fails. */
async function patternHistory(ctx: GatewayContext, asOf: Date): Promise<PatternHistory | null> {
  if (!ctx.ticketStoreKind) return null;
  try {
    return await previousPatterns(await ctx.tickets(), localDate(asOf, ctx.config.settings.reports.time_zone));
  } catch (err) {
    ctx.log.warn({ error: errorText(err) }, 'pattern history unavailable');
    return null;
  }
}

export const ecmPatternClusters = defineTool({
  name: 'ecm_pattern_clusters',
  title: 'Patterns among stuck orders',
  description: [
    'Clusters of stuck orders (not disqualified) that share a signature — currency, GOMS status and sub_state, Lulu status, Falcon status, payout status and partner, RFI status — with at least 3 orders, biggest impact first (impact = count × amount in AED / 10,000 × average hours / 24).',
    'Each cluster: its majority stuck reason, counts, value, ages, flags (high value, majority critical, over 72 h), `novel` (5+ orders whose majority is uncategorized) and `systemic` (more than 10 orders: look for a systemic fix).',
    "`trend` compares with the most recent earlier day's recorded patterns (UP +N, DOWN -N, SAME, NEW; `baseline` when none were recorded; null without a ticket store), `gone` lists that day's signatures that no longer form a cluster.",
    'At most `limit` clusters (default 10, maximum 100) and `max_order_ids` order ids each (default 20). No customer data.',
  ].join(' '),
  input: {
    limit: z.number().int().min(1).max(100).default(10),
    max_order_ids: z.number().int().min(0).max(500).default(20),
    novel_only: z.boolean().default(false).describe('Only novel patterns (mostly uncategorized orders)'),
  },
  output: {
    as_of: z.string(),
    total_clusters: z.number().int(),
    orders_in_clusters: z.number().int(),
    previous_run: z.string().nullable().describe('The date (report time zone) the trends compare with'),
    gone: z.array(z.string()),
    clusters: z.array(patternClusterViewSchema.extend({ trend: z.string().nullable(), order_ids: z.array(z.string()) })),
  },
  annotations: READ_ONLY,
  async run(ctx, args) {
    const { result } = await ctx.triage();
    const every = clusterOrders(ctx.config, result.orders);
    const previous = await patternHistory(ctx, new Date(result.as_of));
    const { trends, gone } = clusterTrends(every, previous?.counts ?? null);
    const withHistory = ctx.ticketStoreKind !== null;
    const all = every.filter((c) => !args.novel_only || c.novel);
    const clusters = all.slice(0, args.limit).map((c) => ({
      ...patternClusterView(c),
      trend: withHistory ? trendText(trends.get(c.signature_text)!) : null,
      order_ids: c.order_ids.slice(0, args.max_order_ids),
    }));
    const inClusters = all.reduce((n, c) => n + c.order_count, 0);
    const lines = clusters.map(
      (c) =>
        `${c.pattern_id} ${c.stuck_reason}: ${c.order_count} orders, ${money.format(c.total_amount_aed)} AED, avg ${c.avg_hours} h, impact ${c.impact}${c.trend ? `, ${c.trend}` : ''}${c.novel ? ', NOVEL' : ''}${c.systemic ? ', systemic' : ''} — ${c.signature}`,
    );
    return {
      structured: {
        as_of: result.as_of,
        total_clusters: all.length,
        orders_in_clusters: inClusters,
        previous_run: previous?.date ?? null,
        gone: withHistory ? gone : [],
        clusters,
      },
      text: [`${all.length} pattern${all.length === 1 ? '' : 's'} covering ${inClusters} orders at ${result.as_of}`, ...lines].join('\n'),
    };
  },
});
