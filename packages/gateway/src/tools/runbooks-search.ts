import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { READ_ONLY } from './tool-inputs.js';

export const runbooksSearch = defineTool({
  name: 'runbooks_search',
  title: 'Search the runbooks',
  description:
    'Searches the ECM runbooks (one per stuck-reason family: symptoms, how to confirm in each system, steps, escalation, verification) by keywords and returns the best matches with the stuck reasons they cover and a short snippet. Keyword ranking (BM25), not semantic: use words that appear in runbooks, such as a system, status or partner name. At most `limit` results (default 5, maximum 20). Use runbook_get for the full text.',
  input: {
    query: z.string().min(1).max(500).describe('Keywords, e.g. "lulu cancellation refund"'),
    limit: z.number().int().min(1).max(20).default(5),
  },
  output: {
    query: z.string(),
    results: z.array(
      z.object({
        name: z.string(),
        title: z.string(),
        path: z.string(),
        reasons: z.array(z.string()),
        score: z.number(),
        snippet: z.string(),
      }),
    ),
  },
  annotations: READ_ONLY,
  usesStores: false,
  async run(ctx, args) {
    const hits = ctx.runbooks.search(args.query, args.limit);
    const results = hits.map((h) => ({
      name: h.runbook.name,
      title: h.runbook.title,
      path: h.runbook.path,
      reasons: [...h.runbook.reasons],
      score: h.score,
      snippet: h.snippet,
    }));
    const text = results.length
      ? results.map((r, i) => `${i + 1}. ${r.title} [${r.name}] (score ${r.score})\n   ${r.snippet}`).join('\n')
      : `No runbook matches "${args.query}".`;
    return { structured: { query: args.query, results }, text };
  },
});
