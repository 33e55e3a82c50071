import {
  fitToLimits,
  codeTable,
  context,
  formatAed,
  formatCount,
  formatHours,
  formatPercent,
  header,
  md,
  section,
  type SlackMessage,
} from '@ecm/core/slack';

export type { PatternsFacts } from '../phases/phase-facts.js';
import type { PatternsFacts } from '../phases/phase-facts.js';

function flagText(c: PatternsFacts['clusters'][number]): string {
  return (
    [c.flags.high_value ? 'HV' : '', c.flags.majority_critical ? 'CRIT' : '', c.flags.over_72h ? '>72h' : ''].filter(Boolean).join(',') ||
    '-'
  );
}

type Cluster = PatternsFacts['clusters'][number];
type Blocks = SlackMessage['blocks'];
type Thread = NonNullable<SlackMessage['thread']>;

/** §10 patterns report: top clusters by impact, novel-pattern alert; thread has the top-10 table. */
export function renderPatternsMessage(f: PatternsFacts): SlackMessage {
  const title = `:microscope: *ECM Patterns* — ${f.report_time}`;
  const novel = f.clusters.filter((c) => c.novel);
  return fitToLimits({
    title,
    text: md`${formatCount(f.orders_in_patterns)} orders in ${formatCount(f.pattern_count)} patterns, ${formatCount(novel.length)} novel`,
    blocks: summaryBlocks(f, novel),
    thread: [topTenReply(f.clusters), ...systemicReplies(f.clusters), ...novel.slice(0, 5).map(novelReply), ...learningReplies(f.learning)],
  });
}

function summaryBlocks(f: PatternsFacts, novel: readonly Cluster[]): Blocks {
  const top = f.clusters.slice(0, 3);
  const blocks: Blocks = [
    header(`ECM Patterns — ${f.report_time}`),
    section(
      md`*${formatCount(f.orders_in_patterns)}* orders in *${formatCount(f.pattern_count)}* patterns${f.previous_date ? md` (trend vs ${f.previous_date})` : ' (baseline: first run)'}`,
    ),
  ];
  if (top.length) {
    blocks.push(
      section(
        `*Top patterns by impact*\n` +
          top
            .map(
              (c, i) =>
                md`${i + 1}. *${formatCount(c.order_count)}* × \`${c.stuck_reason}\` — ${formatAed(c.total_amount_aed, { compact: true })}, avg ${formatHours(c.avg_hours)}, ${c.trend}`,
            )
            .join('\n'),
      ),
    );
  }
  if (novel.length) {
    blocks.push(
      section(
        md`:rotating_light: *${formatCount(novel.length)}* novel patterns (${formatCount(novel.reduce((n, c) => n + c.order_count, 0))} orders no rule explains): engineering should add a stuck reason. Details in thread.`,
      ),
    );
  }
  if (f.gone.length)
    blocks.push(context(md`${formatCount(f.gone.length)} patterns from ${f.previous_date ?? 'the previous run'} are gone.`));
  return blocks;
}

function topTenReply(clusters: readonly Cluster[]): Thread[number] {
  const table = codeTable(
    ['id', 'reason', 'orders', 'AED', 'avg', 'flags', 'trend'],
    clusters
      .slice(0, 10)
      .map((c) => [
        c.pattern_id,
        c.stuck_reason,
        c.order_count,
        formatCount(c.total_amount_aed),
        formatHours(c.avg_hours),
        flagText(c),
        c.trend,
      ]),
    { align: ['left', 'left', 'right', 'right', 'right', 'left', 'left'] },
  );
  return { text: 'Top 10 patterns', blocks: [section(`*Top 10 patterns*\n${table}`)] };
}

function systemicReplies(clusters: readonly Cluster[]): Thread {
  const systemic = clusters.filter((c) => c.systemic && !c.novel).slice(0, 5);
  if (!systemic.length) return [];
  return [
    {
      text: 'Systemic-fix suggestions',
      blocks: [
        section(
          `*Systemic-fix suggestions*\n${systemic.map((c) => md`• \`${c.pattern_id}\` (${formatCount(c.order_count)} orders): ${c.recommendation}`).join('\n')}`,
        ),
      ],
    },
  ];
}

function novelReply(c: Cluster): Thread[number] {
  return {
    text: `Novel pattern ${c.pattern_id}`,
    blocks: [
      section(
        md`*Novel pattern ${c.pattern_id}* — ${formatCount(c.order_count)} orders, ${formatAed(c.total_amount_aed)}\nSignature: \`${c.signature}\`\nExamples: ${c.sample_order_ids.join(', ')}\n${c.recommendation}`,
      ),
    ],
  };
}

function learningReplies(learning: PatternsFacts['learning']): Thread {
  if (!learning.length) return [];
  const flagNames = { low_confidence: 'low confidence', rule_may_be_wrong: 'triage rule may be wrong' } as const;
  return [
    {
      text: 'Learning loop',
      blocks: [
        section(
          `*Learning loop (resolution feedback)*\n` +
            codeTable(
              ['reason', 'resolved', 'self-healed', 'avg min', 'weight', 'flags'],
              learning.map((l) => [
                l.stuck_reason,
                l.resolutions,
                formatPercent(l.self_healed_rate),
                formatCount(l.avg_minutes),
                `×${l.multiplier}`,
                l.flags.map((x) => flagNames[x]).join(', ') || '-',
              ]),
              { align: ['left', 'right', 'right', 'right', 'right', 'left'] },
            ),
        ),
      ],
    },
  ];
}
