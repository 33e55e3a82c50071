import { CliError, EXIT } from '../exit-codes.js';
import { textTable } from '../render/text-table.js';
import { withTicketStore } from './with-state.js';
import { listClassificationCorrections, mostCorrectedClassifications } from '@ecm/core/stores';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseSince(value: string, now: Date): Date {
  const m = /^(\d+)([mhd])$/.exec(value.trim());
  if (!m) throw new CliError(`--since ${value}: expected a duration such as 24h or 7d`, EXIT.config);
  return new Date(now.getTime() - Number(m[1]) * UNITS[m[2]!]!);
}

const pct = (r: number) => `${Math.round(r * 100)}%`;
const usd = (n: number) => `$${n.toFixed(4)}`;

/** `ecm-manager stats`: the three §15 views over the skill execution log. */
export async function statsCommand(options: { since?: string; json?: boolean; execution?: string }): Promise<number> {
  if (options.execution) return executionCommand(options.execution, Boolean(options.json));
  const since = parseSince(options.since ?? '24h', new Date());
  const { ensureAgentSchema, skillStats, correctionStats } = await import('@ecm/agent');
  const { stats, corrections } = await withTicketStore('stats', async (store, state) => {
    await ensureAgentSchema(state);
    // Both sources of a corrected classification: `ecm-field correct order` and "was the reason right? no" at resolve.
    const correctedClassifications = mostCorrectedClassifications(
      await listClassificationCorrections(state, since),
      await store.listResolutions(since),
    );
    return { stats: await skillStats(state, since), corrections: { ...(await correctionStats(state, since)), correctedClassifications } };
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...stats, corrections })}\n`);
    return EXIT.ok;
  }
  const p = stats.platform;
  const out: string[] = [
    `Platform since ${stats.since.toISOString()}: ${p.executions} executions, ${pct(p.successRate)} success, ${usd(p.costUsd)}`,
    `  tokens: ${p.tokens.input} in, ${p.tokens.output} out, ${p.tokens.cacheWrite} cache write, ${p.tokens.cacheRead} cache read`,
  ];
  for (const d of stats.domains) {
    out.push('', `Domain ${d.domain}: ${d.executions} executions, ${usd(d.costUsd)}`);
    for (const [role, r] of Object.entries(d.byRole))
      out.push(`  ${role.padEnd(10)} ${r.executions} executions, ${pct(r.successRate)} success, ${usd(r.costUsd)}`);
    for (const r of d.routing) out.push(`  routed ${r.from} → ${r.to}: ${r.count}`);
  }
  if (stats.skills.length) {
    out.push(
      '',
      textTable(
        [
          { header: 'SKILL', width: 20, value: (s: (typeof stats.skills)[number]) => s.skill },
          { header: 'RUNS', width: 5, align: 'right', value: (s) => String(s.executions) },
          { header: 'OK', width: 4, align: 'right', value: (s) => pct(s.successRate) },
          { header: 'P50 S', width: 6, align: 'right', value: (s) => (s.p50LatencyMs / 1000).toFixed(1) },
          { header: 'P95 S', width: 6, align: 'right', value: (s) => (s.p95LatencyMs / 1000).toFixed(1) },
          { header: 'COST', width: 8, align: 'right', value: (s) => usd(s.costUsd) },
          { header: 'TOP TOOL', width: 22, value: (s) => (s.mostUsedTool ? `${s.mostUsedTool.name} (${s.mostUsedTool.calls})` : '-') },
        ],
        stats.skills,
      ),
    );
  } else out.push('', 'No skill executions in this period (no ANTHROPIC_API_KEY, or nothing ran).');
  const { renderCorrections } = await import('../render/corrections-view.js');
  out.push(...renderCorrections(corrections));
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT.ok;
}

/** `ecm-manager stats --execution ID`: the design's detail page of one execution. */
async function executionCommand(id: string, json: boolean): Promise<number> {
  const { ensureAgentSchema, executionPage } = await import('@ecm/agent');
  const page = await withTicketStore('stats', async (_store, state) => {
    await ensureAgentSchema(state);
    return executionPage(state, id.trim());
  });
  if (!page)
    throw new CliError(
      `no skill execution ${id} in the log (ids are in \`ecm-manager stats --json\` and in traces as ecm.execution_id)`,
      EXIT.config,
    );
  if (json) {
    process.stdout.write(`${JSON.stringify(page)}\n`);
    return EXIT.ok;
  }
  const { renderExecutionPage } = await import('../render/execution-page.js');
  process.stdout.write(`${renderExecutionPage(page)}\n`);
  return EXIT.ok;
}
