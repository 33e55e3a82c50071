import {
  localDate,
  planAssignments,
  ticketFor,
  fromMinorUnits,
  sumMinorUnits,
  ticketSlaOutcome,
  toMinorUnits,
  type Agent,
  type Resolution,
  type Ticket,
} from '@ecm/core/domain';
import { agentDailyStats } from './agent-daily-stats.js';
import { renderAgentQueues, renderTriageMessage, type TriageFacts } from '../render/triage-message.js';
import type { PhaseContext } from './phase.js';
import { fetchOrderStatuses } from '@ecm/core/warehouse';
import { formatReportTime, openSlackDirectory } from '@ecm/core/slack';
import type { TriageResult } from '@ecm/core/domain';
import type { PlanOf } from './phase.js';

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A ticket whose order completed in the warehouse closes itself: a SELF_HEALED resolution. */
function selfHealedResolution(ctx: PhaseContext, t: Ticket): Resolution {
  return {
    resolved_at: ctx.asOf.toISOString(),
    order_id: t.order_id,
    agent_email: t.agent_email,
    notes: 'Order completed in the warehouse; closed automatically (self-healed).',
    assigned_at: t.assigned_at,
    ...ticketSlaOutcome(ctx.config, t, ctx.asOf),
    stuck_reason: t.diagnosis,
    amount: t.amount,
    currency: t.currency,
    diagnosis_match: 'CORRECT',
    action_followed: 'YES',
    resolution_type: 'SELF_HEALED',
  };
}

/** Self-healing: open tickets no longer among the stuck candidates whose order is now COMPLETED. */
async function selfHealedTickets(ctx: PhaseContext, triage: TriageResult, openTickets: readonly Ticket[]): Promise<Ticket[]> {
  const stillStuck = new Set(triage.orders.filter((o) => !o.disqualified).map((o) => o.order_id));
  const gone = openTickets.filter((t) => !stillStuck.has(t.order_id));
  const statuses = await fetchOrderStatuses(
    ctx.warehouse,
    ctx.config,
    gone.map((t) => t.order_id),
  );
  return gone.filter((t) => statuses.get(t.order_id)?.status === 'COMPLETED');
}

type AssignmentPlan = ReturnType<typeof import('@ecm/core/domain').planAssignments>;
type Assignment = AssignmentPlan['assignments'][number];

/** The ticket list's row of one assignment: who, what, how much, and the action to take. */
const assignmentFact =
  (nameOf: ReadonlyMap<string, string>) =>
  (a: Assignment): TriageFacts['assignments'][number] => ({
    order_id: a.order.order_id,
    agent: nameOf.get(a.agent_email) ?? a.agent_email,
    agent_email: a.agent_email,
    priority: a.order.priority,
    score: a.order.score,
    stuck_reason: a.order.stuck_reason,
    currency: a.order.currency,
    send_amount: a.order.send_amount,
    amount_aed: a.order.amount_aed,
    send_amount_decimal: a.order.send_amount_decimal,
    amount_aed_decimal: a.order.amount_aed_decimal,
    hours: a.order.hours,
    high_value: a.order.high_value,
    action: a.order.action,
  });

interface TriageInputs {
  readonly triage: TriageResult;
  readonly agents: readonly Agent[];
  readonly plan: AssignmentPlan | null;
  readonly selfHealed: readonly Resolution[];
  readonly orphaned: TriageFacts['orphaned'];
}

async function triageFacts(ctx: PhaseContext, inputs: TriageInputs): Promise<TriageFacts> {
  const { triage, plan } = inputs;
  const sanity = triage.summary.sanity;
  const assignments = plan?.assignments ?? [];
  const nameOf = new Map(inputs.agents.map((a) => [a.email, a.slack_handle ?? a.name]));
  return {
    as_of: triage.as_of,
    report_time: formatReportTime(ctx.asOf, ctx.config.settings.reports.time_zone),
    actionable: triage.summary.actionable,
    assignment_allowed: sanity.assignment_allowed,
    sanity,
    assigned: assignments.length,
    assigned_value_aed: round2(assignments.reduce((n, a) => n + a.order.amount_aed, 0)),
    // Exact (bigint hundredths): what the report prints.
    assigned_value_aed_decimal: fromMinorUnits(sumMinorUnits(assignments.map((a) => toMinorUnits(a.order.amount_aed_decimal)))),
    assigned_by_priority: countBy(assignments.map((a) => a.order.priority)),
    assigned_high_value: assignments.filter((a) => a.order.high_value).length,
    already_open: plan?.already_open ?? 0,
    resolved_still_stuck: plan?.resolved_still_stuck.length ?? 0,
    overflow: plan?.overflow ?? { P1: 0, P2: 0, P3: 0, P4: 0, total: 0 },
    not_assigned_by_gate: plan ? 0 : triage.summary.actionable,
    capacity: (plan?.capacity ?? []).map((c) => ({ ...c, handle: nameOf.get(c.email) ?? c.email })),
    assignments: assignments.map(assignmentFact(nameOf)),
    self_healed: inputs.selfHealed.map((r) => ({ order_id: r.order_id, agent_email: r.agent_email, stuck_reason: r.stuck_reason })),
    orphaned: inputs.orphaned,
  };
}

/** DM channels are opened now, while planning, so a resumed run posts to the same place. */
async function directChannels(ctx: PhaseContext, assignments: readonly Assignment[]): Promise<Map<string, string>> {
  const direct = new Map<string, string>();
  if (!ctx.config.settings.slack.dm_queues) return direct;
  const directory = openSlackDirectory(process.env, ctx.state);
  for (const email of [...new Set(assignments.map((a) => a.agent_email))].sort()) {
    const channel = await directory.directChannel(email);
    if (channel) direct.set(email, channel);
  }
  return direct;
}

/** §8: close self-healed tickets, report orphans, apply the sanity gates, assign. */
export async function planTriage(ctx: PhaseContext): Promise<PlanOf<'triage'>> {
  const triage = await ctx.triage();
  const openStatuses = ctx.config.settings.assignment.open_statuses;
  const [agents, openTickets] = await Promise.all([ctx.tickets.listAgents(), ctx.tickets.listTickets({ statuses: openStatuses })]);
  const actionableIds = triage.orders.filter((o) => o.actionable).map((o) => o.order_id);
  const known = await ctx.tickets.listTickets({ orderIds: actionableIds });

  const healed = await selfHealedTickets(ctx, triage, openTickets);
  const selfHealed = healed.map((t) => selfHealedResolution(ctx, t));
  const activeEmails = new Set(agents.filter((a) => a.active).map((a) => a.email));
  const orphaned = openTickets
    .filter((t) => !activeEmails.has(t.agent_email))
    .map((t) => ({ order_id: t.order_id, agent_email: t.agent_email, priority: t.priority }));

  const healedIds = new Set(healed.map((t) => t.order_id));
  const ticketsNow = [
    ...new Map([...openTickets.filter((t) => !healedIds.has(t.order_id)), ...known].map((t) => [t.order_id, t])).values(),
  ];
  const plan = triage.summary.sanity.assignment_allowed ? planAssignments(ctx.config, triage.orders, agents, ticketsNow) : null;
  const tickets = (plan?.assignments ?? []).map((a) => ticketFor(a, ctx.asOf));
  const facts = await triageFacts(ctx, { triage, agents, plan, selfHealed, orphaned });
  const direct = await directChannels(ctx, plan?.assignments ?? []);
  const slack = ctx.config.settings.slack;
  const report = renderTriageMessage(facts, {
    direct: new Set(direct.keys()),
    tableRowsMax: slack.file_above_rows,
    fullList: fullListLink(process.env),
  });
  const dailyStats = await perAgentStats(ctx, agents, tickets, selfHealed);
  return {
    facts: { ...facts },
    messages: [report, ...renderAgentQueues(facts, direct)],
    writes: { tickets, self_healed: selfHealed, daily_stats: dailyStats },
  };
}

/** This run's report day per agent, counting the tickets and self-healed closes this plan is about to write. */
async function perAgentStats(
  ctx: PhaseContext,
  agents: readonly Agent[],
  newTickets: readonly Ticket[],
  selfHealed: readonly Resolution[],
) {
  const tz = ctx.config.settings.reports.time_zone;
  const since = new Date(ctx.asOf.getTime() - 2 * 86_400_000);
  const [all, resolutions, escalations] = await Promise.all([
    ctx.tickets.listTickets(),
    ctx.tickets.listResolutions(since),
    ctx.tickets.listEscalations(since),
  ]);
  const written = new Set(newTickets.map((t) => t.order_id));
  const upToNow = <T>(items: readonly T[], at: (t: T) => string) => items.filter((x) => new Date(at(x)) <= ctx.asOf);
  return agentDailyStats(localDate(ctx.asOf, tz), (iso) => localDate(new Date(iso), tz), {
    agents: agents.filter((a) => a.active).map((a) => a.email),
    tickets: [...all.filter((t) => !written.has(t.order_id)), ...newTickets],
    resolutions: [...upToNow(resolutions, (r) => r.resolved_at), ...selfHealed],
    escalations: upToNow(escalations, (e) => e.escalated_at),
  });
}

/** The full ticket list: the sheet when it is the ticket store, else the command that prints it. */
function fullListLink(env: NodeJS.ProcessEnv): string {
  const id = env.ECM_TICKETS === 'sheets' ? env.GOOGLE_SHEETS_SPREADSHEET_ID?.match(/[-\w]{20,}/)?.[0] : undefined;
  return id ? `<https://docs.google.com/spreadsheets/d/${id}|the ECM Operations sheet>` : '`ecm-manager tickets`';
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}
