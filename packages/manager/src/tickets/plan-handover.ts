import type { Agent, EcmConfig, Ticket } from '@ecm/core/domain';
import { priorityRank } from '@ecm/core/domain';
import { teamOf } from '../phases/sla-phase.js';

export interface Move {
  readonly ticket: Ticket;
  readonly to: string;
}

export interface HandoverPlan {
  readonly moves: readonly Move[];
  /** Tickets no active team-mate had room for: they stay with the leaver and are named. */
  readonly stranded: readonly Ticket[];
}

/** Open tickets per agent (the statuses that count against capacity). */
export function openLoad(config: EcmConfig, tickets: readonly Ticket[]): Map<string, number> {
  const open = new Set<string>(config.settings.assignment.open_statuses);
  const load = new Map<string, number>();
  for (const t of tickets) if (open.has(t.status)) load.set(t.agent_email, (load.get(t.agent_email) ?? 0) + 1);
  return load;
}

/**
 * Hands every open ticket of `from` to active agents of the ticket's team with room left (Max Tickets),
 * the least loaded first (ties by e-mail), most urgent tickets first — the rules of §8 assignment.
 * Pure and deterministic.
 */
export function planHandover(config: EcmConfig, from: string, tickets: readonly Ticket[], agents: readonly Agent[]): HandoverPlan {
  const open = new Set<string>(config.settings.assignment.open_statuses);
  const load = openLoad(config, tickets);
  const leaver = agents.find((a) => a.email === from);
  const receivers = agents.filter((a) => a.active && a.email !== from).sort((a, b) => a.email.localeCompare(b.email));
  const theirs = tickets
    .filter((t) => t.agent_email === from && open.has(t.status))
    .sort(
      (a, b) =>
        priorityRank(a.priority) - priorityRank(b.priority) || b.hours_stuck - a.hours_stuck || a.order_id.localeCompare(b.order_id),
    );
  const moves: Move[] = [];
  const stranded: Ticket[] = [];
  for (const t of theirs) {
    const team = teamOf(config, t, leaver);
    const candidates = receivers.filter((a) => a.team === team && a.max_tickets - (load.get(a.email) ?? 0) > 0);
    if (candidates.length === 0) {
      stranded.push(t);
      continue;
    }
    const chosen = candidates.reduce((best, a) => ((load.get(a.email) ?? 0) < (load.get(best.email) ?? 0) ? a : best));
    load.set(chosen.email, (load.get(chosen.email) ?? 0) + 1);
    moves.push({ ticket: t, to: chosen.email });
  }
  return { moves, stranded };
}
