import {
  fitToLimits,
  barChart,
  codeTable,
  context,
  formatAed,
  formatCount,
  formatHours,
  header,
  md,
  section,
  type SlackMessage,
  type SlackPost,
} from '@ecm/core/slack';
import type { BacklogFacts, EcmConfig } from '@ecm/core/domain';
import { exactAed, exactAmount } from './exact-amount.js';

function directionText(f: BacklogFacts): string {
  const d = f.direction;
  if (d.kind === 'baseline') return 'baseline (first run: no previous day to compare)';
  if (d.kind === 'flat') return `unchanged vs ${d.previous_date}`;
  return `${d.kind === 'up' ? '▲ up' : '▼ down'} ${formatCount(d.delta)} vs ${d.previous_date} (${formatCount(d.previous)})`;
}

/** How many quarantined orders the thread names one by one; the rest are counted. */
const QUARANTINE_LISTED = 50;

/** The orders left out because their warehouse rows could not be read: id and why, so someone fixes the data. */
function quarantineReply(f: BacklogFacts): SlackPost[] {
  if (f.quarantined.length === 0) return [];
  const listed = f.quarantined.slice(0, QUARANTINE_LISTED);
  const more = f.quarantined.length - listed.length;
  return [
    {
      text: `Quarantined: ${f.quarantined.length} orders with unreadable warehouse rows`,
      blocks: [
        section(
          md`*Quarantined (${formatCount(f.quarantined.length)})* — left out of classification and assignment because their warehouse rows failed validation; every other order went on.
` +
            codeTable(
              ['order', 'problem'],
              listed.map((q) => [q.order_id, q.reason]),
            ) +
            (more > 0
              ? md`
…and ${formatCount(more)} more (ecm-manager stuck --json lists all)`
              : ''),
        ),
      ],
    },
  ];
}

const currenciesOf = (f: BacklogFacts) => Object.entries(f.by_currency).sort((a, b) => b[1].amount_aed - a[1].amount_aed);

/** The main message: the headline, severity and age, value at risk, top actions, warnings, what is not work. */
function mainBlocks(f: BacklogFacts) {
  const p = f.by_priority;
  const c = f.by_category;
  const topActions = f.top_actions.map(
    (a, i) =>
      md`${i + 1}. *${formatCount(a.orders)}* × \`${a.reason}\` (${a.team}, ${formatAed(a.amount_aed, { compact: true })}): ${a.summary}`,
  );
  const sanity = f.sanity.status === 'typical' ? [] : [section(md`:warning: ${f.sanity.message}`)];
  const quarantined = f.quarantined.length
    ? [context(md`:warning: ${formatCount(f.quarantined.length)} orders quarantined (unreadable warehouse rows), listed in the thread.`)]
    : [];
  return [
    header(`ECM Backlog — ${f.report_time}`),
    section(md`*${formatCount(f.actionable)}* actionable stuck orders — ${directionText(f)}`),
    section(
      md`*Severity:* ${formatCount(p.P1 ?? 0)} P1 · ${formatCount(p.P2 ?? 0)} P2 · ${formatCount(p.P3 ?? 0)} P3 · ${formatCount(p.P4 ?? 0)} P4\n` +
        md`*Age:* ${formatCount(c.critical ?? 0)} critical (>36h) · ${formatCount(c.action_required ?? 0)} action required (>24h) · ${formatCount(c.warning ?? 0)} warning`,
    ),
    section(
      md`*${exactAed(f.value_at_risk_aed_decimal)}* at risk (${formatCount(f.high_value)} high-value orders): ` +
        currenciesOf(f)
          .map(([cur, t]) => md`${cur} ${exactAmount(t.amount_decimal)} (${formatCount(t.count)})`)
          .join(' · '),
    ),
    section(`*Top actions*\n${topActions.join('\n') || 'No actionable orders.'}`),
    ...sanity,
    ...quarantined,
    context(
      md`${formatCount(f.monitor_only)} monitor-only and ${formatCount(f.disqualified)} disqualified of ${formatCount(f.candidates)} candidates are not counted as work.`,
    ),
  ];
}

function waterfallReply(f: BacklogFacts) {
  const inflowRows = f.inflow.map((d) => ({ label: d.date.slice(5), value: d.orders, ...(d.spike ? { mark: '◀ spike' } : {}) }));
  const waterfall = codeTable(
    ['', 'orders'],
    [
      ['carry-over (>36h)', f.waterfall.carry_over],
      ['+ new yesterday', f.waterfall.new_yesterday],
      ['= actionable', f.waterfall.actionable],
      ["today's pipeline (<12h)", f.waterfall.pipeline],
    ],
  );
  return {
    text: 'Waterfall and inflow',
    blocks: [
      section(`*Waterfall*\n${waterfall}`),
      section(`*Stuck orders by day created (last ${f.inflow.length} days)*\n${barChart(inflowRows, 20)}`),
    ],
  };
}

function breakdownReply(f: BacklogFacts) {
  const currencyTable = codeTable(
    ['currency', 'orders', 'amount', 'AED'],
    currenciesOf(f).map(([cur, t]) => [cur, t.count, exactAmount(t.amount_decimal), exactAmount(t.amount_aed_decimal)]),
    { align: ['left', 'right', 'right', 'right'] },
  );
  const subStateTable = codeTable(
    ['sub_state', 'orders', 'avg', 'max'],
    f.sub_states.map((s) => [s.sub_state, s.orders, formatHours(s.avg_hours), formatHours(s.max_hours)]),
    { align: ['left', 'right', 'right', 'right'] },
  );
  return {
    text: 'Currency and sub_state breakdown',
    blocks: [section(`*By currency*\n${currencyTable}`), section(`*By sub_state*\n${subStateTable}`)],
  };
}

function notWorkReply(config: EcmConfig, f: BacklogFacts) {
  const disqualified = Object.entries(f.disqualified_by_reason).sort((a, b) => b[1] - a[1]);
  return {
    text: 'Not counted as work',
    blocks: [
      section(
        `*Disqualified (${formatCount(f.disqualified)})*\n` +
          (disqualified.length
            ? codeTable(
                ['reason', 'orders'],
                disqualified.map(([r, n]) => [r, n]),
              )
            : 'none'),
      ),
      context(md`Explained in ${config.sharedDir.split('/').slice(-1)[0]}/config/classification.yaml (disqualification).`),
    ],
  };
}

/** §10 backlog report: main message with the headline numbers, thread with the breakdowns. */
export function renderBacklogMessage(config: EcmConfig, f: BacklogFacts): SlackMessage {
  return fitToLimits({
    title: `:bar_chart: *ECM Backlog* — ${f.report_time}`,
    text: md`${formatCount(f.actionable)} actionable stuck orders, ${exactAed(f.value_at_risk_aed_decimal)} at risk — ${directionText(f)}`,
    blocks: mainBlocks(f),
    thread: [waterfallReply(f), breakdownReply(f), notWorkReply(config, f), ...quarantineReply(f)],
  });
}
