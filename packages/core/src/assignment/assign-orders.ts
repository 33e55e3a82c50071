import type { EcmConfig } from '../config/load-config.js';
import type { Priority } from '../config/schema.js';
import type { Agent, Ticket } from '../tickets/ticket-store.js';
import type { TriagedOrder } from '../triage/run-triage.js';

export interface AgentCapacity {
  readonly email: string;
  readonly name: string;
  readonly team: string;
  readonly max_tickets: number;
  readonly open_before: number;
  readonly assigned: number;
  readonly free_after: number;
}

export interface Assignment {
  readonly order: TriagedOrder;
  readonly agent_email: string;
}

export interface AssignmentPlan {
  readonly assignments: readonly Assignment[];
  /** Actionable orders that already have an open ticket: never re-assigned or duplicated. */
  readonly already_open: number;
  /** Actionable orders whose ticket was resolved earlier but that are stuck again. */
  readonly resolved_still_stuck: readonly string[];
  readonly overflow: Readonly<Record<Priority, number>> & { readonly total: number };
  readonly capacity: readonly AgentCapacity[];
}

const emptyByPriority = (): Record<Priority, number> => ({ P1: 0, P2: 0, P3: 0, P4: 0 });

/** Each active agent's load: open tickets before this run, and what this run assigns. */
type Load = Map<string, { agent: Agent; open: number; assigned: number }>;

function loadOf(config: EcmConfig, active: readonly Agent[], tickets: readonly Ticket[]): Load {
  const openStatuses = new Set<string>(config.settings.assignment.open_statuses);
  const open = new Map<string, number>();
  for (const t of tickets) if (openStatuses.has(t.status)) open.set(t.agent_email, (open.get(t.agent_email) ?? 0) + 1);
  return new Map(active.map((a) => [a.email, { agent: a, open: open.get(a.email) ?? 0, assigned: 0 }]));
}

const freeSlots = (load: Load, email: string) => {
  const s = load.get(email)!;
  return s.agent.max_tickets - s.open - s.assigned;
};

/** Spreads high-value orders: the next team member (with room) after the last one who got one. */
function nextInRotation(load: Load, active: readonly Agent[], team: string, roundRobin: Map<string, number>): Agent {
  const allOfTeam = active.filter((a) => a.team === team);
  let i = roundRobin.get(team) ?? 0;
  for (;;) {
    const candidate = allOfTeam[i % allOfTeam.length]!;
    i++;
    if (freeSlots(load, candidate.email) > 0) {
      roundRobin.set(team, i % allOfTeam.length);
      return candidate;
    }
  }
}

/** The team member with the fewest tickets (open and newly assigned); the first by e-mail on a tie. */
const leastLoaded = (load: Load, team: readonly Agent[]): Agent =>
  team.reduce((best, a) => {
    const la = load.get(a.email)!;
    const lb = load.get(best.email)!;
    return la.open + la.assigned < lb.open + lb.assigned ? a : best;
  });

const capacityOf = (load: Load): AssignmentPlan['capacity'] =>
  [...load.values()].map((s) => ({
    email: s.agent.email,
    name: s.agent.name,
    team: s.agent.team,
    max_tickets: s.agent.max_tickets,
    open_before: s.open,
    assigned: s.assigned,
    free_after: s.agent.max_tickets - s.open - s.assigned,
  }));

/**
 * §8: actionable orders, highest score first, to active agents of their team with capacity left;
 * high-value orders round-robin across the team, the rest to the least-loaded agent. Pure and
 * deterministic: ties go by e-mail.
 */
export function planAssignments(
  config: EcmConfig,
  orders: readonly TriagedOrder[],
  agents: readonly Agent[],
  tickets: readonly Ticket[],
): AssignmentPlan {
  const openStatuses = new Set<string>(config.settings.assignment.open_statuses);
  const ticketByOrder = new Map(tickets.map((t) => [t.order_id, t]));
  const active = agents.filter((a) => a.active).sort((a, b) => a.email.localeCompare(b.email));
  const load = loadOf(config, active, tickets);
  const roundRobin = new Map<string, number>();
  const assignments: Assignment[] = [];
  const overflow = emptyByPriority();
  let alreadyOpen = 0;
  const resolvedStillStuck: string[] = [];
  for (const order of [...orders]
    .filter((o) => o.actionable)
    .sort((a, b) => b.score - a.score || b.hours - a.hours || a.order_id.localeCompare(b.order_id))) {
    const existing = ticketByOrder.get(order.order_id);
    if (existing) {
      if (openStatuses.has(existing.status)) alreadyOpen++;
      else resolvedStillStuck.push(order.order_id);
      continue;
    }
    const team = active.filter((a) => a.team === order.team && freeSlots(load, a.email) > 0);
    if (team.length === 0) {
      overflow[order.priority]++;
      continue;
    }
    const chosen = order.high_value ? nextInRotation(load, active, order.team, roundRobin) : leastLoaded(load, team);
    load.get(chosen.email)!.assigned++;
    assignments.push({ order, agent_email: chosen.email });
  }
  const total = overflow.P1 + overflow.P2 + overflow.P3 + overflow.P4;
  return {
    assignments,
    already_open: alreadyOpen,
    resolved_still_stuck: resolvedStillStuck,
    overflow: { ...overflow, total },
    capacity: capacityOf(load),
  };
}

/** The ticket written for one assignment: the reason's one-line action is the note. */
export function ticketFor(a: Assignment, assignedAt: Date): Ticket {
  const at = assignedAt.toISOString();
  return {
    order_id: a.order.order_id,
    agent_email: a.agent_email,
    assigned_at: at,
    status: 'OPEN',
    priority: a.order.priority,
    currency: a.order.currency,
    amount: a.order.send_amount,
    hours_stuck: a.order.hours,
    diagnosis: a.order.stuck_reason,
    notes: a.order.action,
    updated_at: at,
  };
}
