import type { Agent, EcmConfig, EscalationMatrix, Ticket } from '@ecm/core/domain';
import type { SlackDirectory } from '@ecm/core/slack';
import type { StateDb } from '@ecm/core/stores';
import { HOUR_MS } from '@ecm/core/domain';
import { renderSlaMessages, type SlaAlert } from '../render/sla-message.js';
import { mentionOf } from '../render/mention.js';
import type { PhaseContext, PhaseWrites, SlaAlertKey } from './phase.js';
import { loadEscalationMatrix, localDate, slaClock, slaHoursFor } from '@ecm/core/domain';
import { openSlackDirectory, formatReportTime } from '@ecm/core/slack';
import type { PlanOf } from './phase.js';

/** Level names of the sla_alerts table besides the ladder's L1/L2/L3. */
const BREACH = 'BREACH';
const DAILY_UPDATE = 'DAILY';

const keyOf = (k: SlaAlertKey) => `${k.order_id}|${k.level}|${k.day}`;

/** SLA alerts already raised for these orders (this module owns the sla_alerts table). */
async function raisedAlerts(state: StateDb, orderIds: readonly string[]): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const rows = await state.query('SELECT order_id, level, day FROM sla_alerts WHERE order_id = ANY($1::text[])', [[...orderIds]]);
  return new Set(rows.map((r) => keyOf({ order_id: String(r.order_id), level: String(r.level), day: String(r.day) })));
}

/**
 * Records a plan's alerts as raised. Runs after the plan is saved and before anything is posted, so a
 * crash after this point finishes the same plan and no later run raises these levels again.
 */
export async function recordSlaAlerts(state: StateDb, runKey: string, writes: PhaseWrites): Promise<void> {
  const alerts = writes.sla_alerts ?? [];
  if (alerts.length === 0) return;
  const now = new Date().toISOString();
  await state.query(
    `INSERT INTO sla_alerts (order_id, level, day, raised_at, run_key)
     SELECT o, l, d, $4::timestamptz, $5 FROM unnest($1::text[], $2::text[], $3::text[]) AS a(o, l, d)
     ON CONFLICT (order_id, level, day) DO NOTHING`,
    [alerts.map((a) => a.order_id), alerts.map((a) => a.level), alerts.map((a) => a.day), now, runKey],
  );
}

/** Order age now: hours stuck when the ticket was written plus the time since. */
export const orderHoursOf = (t: Ticket, asOf: Date): number =>
  t.hours_stuck + (asOf.getTime() - new Date(t.assigned_at).getTime()) / HOUR_MS;

export const teamOf = (config: EcmConfig, t: Ticket, owner: Agent | undefined): string =>
  config.reasons.get(t.diagnosis)?.team ?? owner?.team ?? 'Ops';

/**
 * Where each alert goes: the team's channel (slack.team_channels), the report channel when the team has
 * none; the top of the ladder to the critical channel when one is configured.
 */
function channelFor(config: EcmConfig, team: string, critical: boolean): string | undefined {
  const { team_channels, critical_channel } = config.settings.slack;
  if (critical && critical_channel) return critical_channel;
  return (team_channels as Record<string, string | undefined>)[team];
}

/**
 * The hourly SLA watch: SLA breaches (the clock from assignment) and the escalation ladder by order age
 * (ESCALATION.md: 16 h warning tags the owner, 24 h action required tags the team's lead, 48 h critical
 * tags the head and repeats once a day). Each level is raised once per ticket; what was raised is part of
 * the saved plan and recorded before posting.
 */
export async function planSlaWatch(ctx: PhaseContext): Promise<PlanOf<'sla'>> {
  const watch = await openWatch(ctx);
  let breached = 0;
  for (const t of watch.open) if (await watchTicket(watch, t)) breached++;
  return slaPlan(watch, breached);
}

/** What one run of the SLA watch reads once, and the alerts and keys it collects. */
interface SlaWatch {
  readonly ctx: PhaseContext;
  readonly matrix: EscalationMatrix;
  readonly directory: SlackDirectory;
  readonly timeZone: string;
  readonly today: string;
  readonly open: readonly Ticket[];
  readonly byEmail: ReadonlyMap<string, Agent>;
  readonly raised: ReadonlySet<string>;
  readonly top: EscalationMatrix['ladder'][number] | undefined;
  readonly alerts: SlaAlert[];
  readonly keys: SlaAlertKey[];
}

async function openWatch(ctx: PhaseContext): Promise<SlaWatch> {
  const matrix = loadEscalationMatrix(ctx.config.sharedDir);
  const directory = openSlackDirectory(process.env, ctx.state);
  const timeZone = ctx.config.settings.reports.time_zone;
  const today = localDate(ctx.asOf, timeZone);
  const [agents, open] = await Promise.all([
    ctx.tickets.listAgents(),
    ctx.tickets.listTickets({ statuses: ctx.config.settings.assignment.open_statuses }),
  ]);
  const byEmail = new Map(agents.map((a) => [a.email, a]));
  const raised = await raisedAlerts(
    ctx.state,
    open.map((t) => t.order_id),
  );
  const top = matrix.ladder.at(-1);
  return { ctx, matrix, directory, timeZone, today, open, byEmail, raised, top, alerts: [], keys: [] };
}

/** One open ticket's view for the watch: who owns it, its team, and which levels are still to raise. */
interface WatchedTicket {
  readonly t: Ticket;
  readonly owner: Agent | undefined;
  readonly team: string;
  readonly orderHours: number;
  readonly base: Pick<SlaAlert, 'ticket' | 'team' | 'order_hours' | 'sla_left_minutes'>;
  fresh(level: string, day?: string): boolean;
}

/** Collects a ticket's alerts; whether its SLA is breached now. */
async function watchTicket(w: SlaWatch, t: Ticket): Promise<boolean> {
  const { ctx, raised } = w;
  const owner = w.byEmail.get(t.agent_email);
  const team = teamOf(ctx.config, t, owner);
  const orderHours = orderHoursOf(t, ctx.asOf);
  const sla = slaClock(new Date(t.assigned_at), slaHoursFor(ctx.config, t.diagnosis), ctx.asOf);
  const fresh = (level: string, day = '') => !raised.has(keyOf({ order_id: t.order_id, level, day }));
  const base = { ticket: t, team, order_hours: orderHours, sla_left_minutes: sla.remaining_minutes };
  const watched: WatchedTicket = { t, owner, team, orderHours, base, fresh };

  // A breach belongs to one assignment: a reopened ticket has a new clock and may breach again.
  if (sla.band === 'BREACHED' && fresh(BREACH, t.assigned_at)) await raiseBreach(w, watched);
  await raiseLadder(w, watched);
  return sla.band === 'BREACHED';
}

async function raiseBreach(w: SlaWatch, { t, owner, team, base }: WatchedTicket): Promise<void> {
  w.keys.push({ order_id: t.order_id, level: BREACH, day: t.assigned_at });
  w.alerts.push({
    ...base,
    level: BREACH,
    meaning: 'SLA breached',
    tags: [await mentionOf(w.directory, t.agent_email, owner)],
    channel: channelFor(w.ctx.config, team, false),
  });
}

async function raiseLadder(w: SlaWatch, { t, owner, team, orderHours, base, fresh }: WatchedTicket): Promise<void> {
  const { ctx, matrix, directory, today, top, keys, alerts } = w;
  const reached = matrix.ladder.filter((s) => orderHours >= s.hours);
  const newLevels = reached.filter((s) => fresh(s.level));
  const highest = reached.at(-1);
  if (newLevels.length > 0 && highest) {
    // Skipped levels (a ticket first seen at 30 h) are recorded too: the highest one is the news.
    for (const s of newLevels) keys.push({ order_id: t.order_id, level: s.level, day: '' });
    const critical = highest === top;
    if (critical) keys.push({ order_id: t.order_id, level: DAILY_UPDATE, day: today });
    alerts.push({
      ...base,
      level: highest.level,
      meaning: highest.meaning,
      tags: await tagsFor(directory, matrix, highest.level, team, t, owner),
      channel: channelFor(ctx.config, team, critical),
    });
  } else if (highest && highest === top && fresh(DAILY_UPDATE, today)) {
    keys.push({ order_id: t.order_id, level: DAILY_UPDATE, day: today });
    alerts.push({
      ...base,
      level: highest.level,
      meaning: `${highest.meaning} (daily update)`,
      tags: await tagsFor(directory, matrix, highest.level, team, t, owner),
      channel: channelFor(ctx.config, team, true),
    });
  }
}

function slaPlan({ ctx, timeZone, open, alerts, keys }: SlaWatch, breached: number): PlanOf<'sla'> {
  const reportTime = formatReportTime(ctx.asOf, timeZone);
  const facts = {
    as_of: ctx.asOf.toISOString(),
    report_time: reportTime,
    open_tickets: open.length,
    /** Open tickets past their SLA now, raised in this run or before (the breach gauge). */
    breached,
    raised: alerts.length,
    by_level: countBy(alerts.map((a) => a.level)),
    alerts: alerts.map((a) => ({
      order_id: a.ticket.order_id,
      level: a.level,
      team: a.team,
      agent_email: a.ticket.agent_email,
      order_hours: Math.round(a.order_hours * 10) / 10,
      sla_left_minutes: a.sla_left_minutes,
      channel: a.channel ?? null,
    })),
  };
  return { facts, messages: renderSlaMessages(reportTime, alerts), writes: { sla_alerts: keys } };
}

/** L1 tags the owner; higher levels tag the team's contact for that level (ESCALATION.md), and name the owner. */
async function tagsFor(
  directory: SlackDirectory,
  matrix: EscalationMatrix,
  level: string,
  team: string,
  t: Ticket,
  owner: Agent | undefined,
) {
  const ownerTag = await mentionOf(directory, t.agent_email, owner);
  if (level === matrix.ladder[0]?.level) return [ownerTag];
  const contact = matrix.contacts.find((c) => c.team === team && c.level === level);
  if (!contact) return [ownerTag];
  return [await mentionOf(directory, contact.contact, { name: contact.slack, slack_handle: null }), ownerTag];
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}
