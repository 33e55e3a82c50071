import type { ClassificationCorrection } from '../triage/classification-corrections.js';
import type { Priority, Team, TicketStatus } from '../config/schema.js';

/** A row of the Agents tab (§9). */
export interface Agent {
  readonly email: string;
  readonly name: string;
  readonly team: Team;
  readonly slack_handle: string | null;
  readonly active: boolean;
  readonly max_tickets: number;
  /** `supervisor` may approve high-value fix proposals. */
  readonly role: 'agent' | 'supervisor';
}

/** A row of the Assignments tab: one per order (the order id is the key). */
export interface Ticket {
  readonly order_id: string;
  readonly agent_email: string;
  readonly assigned_at: string;
  readonly status: TicketStatus;
  readonly priority: Priority;
  readonly currency: string;
  readonly amount: number;
  readonly hours_stuck: number;
  /** The stuck reason. */
  readonly diagnosis: string;
  /** The reason's one-line action with the order's facts filled in. */
  readonly notes: string;
  readonly updated_at: string;
}

export type DiagnosisMatch = 'CORRECT' | 'PARTIAL' | 'WRONG';
export type ActionFollowed = 'YES' | 'MODIFIED' | 'IGNORED';
export type ResolutionType = 'AGENT_RESOLVED' | 'SELF_HEALED' | 'ESCALATED_RESOLVED' | 'FALSE_POSITIVE';

/** A row of the Resolutions tab. */
export interface Resolution {
  readonly resolved_at: string;
  readonly order_id: string;
  readonly agent_email: string;
  readonly notes: string;
  readonly assigned_at: string;
  readonly resolution_minutes: number;
  readonly sla_target_minutes: number;
  readonly sla_status: 'MET' | 'MISSED';
  readonly stuck_reason: string;
  readonly amount: number;
  readonly currency: string;
  readonly diagnosis_match: DiagnosisMatch;
  readonly action_followed: ActionFollowed;
  readonly resolution_type: ResolutionType;
}

/** A row of the Escalations tab. */
export interface Escalation {
  readonly escalated_at: string;
  readonly order_id: string;
  readonly escalated_by: string;
  readonly reason: string;
  readonly order_status: string;
  readonly stuck_hours: number;
  readonly amount: number;
  readonly currency: string;
  readonly priority: Priority;
  readonly assigned_to: string;
  readonly resolved_at: string | null;
  readonly resolution_notes: string | null;
}

/** A row of the Pattern Intelligence tab. */
export interface PatternRow {
  readonly date: string;
  readonly pattern_id: string;
  readonly stuck_reason: string;
  readonly currency: string;
  readonly signature: string;
  readonly order_count: number;
  readonly total_amount_aed: number;
  readonly avg_hours: number;
  readonly high_value_count: number;
  readonly critical_count: number;
  readonly delta: string;
  readonly recommendation: string;
}

/** A row of the Daily Stats tab. */
export interface DailyStatsRow {
  readonly date: string;
  readonly agent_email: string;
  readonly resolved: number;
  readonly avg_minutes: number;
  readonly sla_met_pct: number;
  readonly escalated: number;
  /** Tickets assigned to the agent that day (absent in rows written before this column existed). */
  readonly assigned?: number;
  /** Median minutes from assignment to resolution that day. */
  readonly median_minutes?: number;
}

/** What happened to a ticket besides assignment, resolution and escalation: a row of the Ticket History tab. */
export const HISTORY_ACTIONS = ['REASSIGNED', 'REOPENED'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface TicketHistoryEntry {
  readonly at: string;
  readonly order_id: string;
  readonly action: HistoryAction;
  readonly from_agent: string;
  readonly to_agent: string;
  /** The operator (ECM_OPERATOR, --by, or the OS user) or the agent who did it. */
  readonly by: string;
  readonly reason: string;
}

export interface TicketFilter {
  readonly agentEmail?: string;
  readonly statuses?: readonly TicketStatus[];
  readonly orderIds?: readonly string[];
}

/** Raised when a change would break a ticket rule (not the assignee, already resolved, …). */
export class TicketRuleError extends Error {
  constructor(
    readonly code: 'not_found' | 'not_assignee' | 'already_closed' | 'unknown_agent' | 'inactive_agent' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'TicketRuleError';
  }
}

/**
 * The "ECM Operations" ticket store (§9): a local backend in the state database, or the Google Sheet.
 * Every method is one atomic change: either all of it is written or none of it.
 */
export interface TicketStore {
  readonly kind: 'local' | 'sheets';
  readonly label: string;

  listAgents(): Promise<Agent[]>;
  upsertAgents(agents: readonly Agent[]): Promise<void>;
  /** Returns false when there is no such agent. */
  setAgentActive(email: string, active: boolean): Promise<boolean>;

  listTickets(filter?: TicketFilter): Promise<Ticket[]>;
  getTicket(orderId: string): Promise<Ticket | null>;
  /** Writes new tickets; an order that already has a ticket is skipped, never duplicated. */
  createTickets(tickets: readonly Ticket[]): Promise<{ created: string[]; skipped: string[] }>;
  /** Status change by the assignee (e.g. OPEN → IN_PROGRESS). */
  setTicketStatus(orderId: string, agentEmail: string, status: 'OPEN' | 'IN_PROGRESS', at: Date): Promise<Ticket>;
  /** Writes the Resolutions row and marks the ticket RESOLVED, together. Only the assignee (or automation for SELF_HEALED). */
  resolveTicket(resolution: Resolution, options?: { byAutomation?: boolean }): Promise<Ticket>;
  /** Writes the Escalations row and marks the ticket ESCALATED, together. Only the assignee. */
  escalateTicket(escalation: Escalation): Promise<Ticket>;

  /**
   * Moves an open ticket from `from_agent` to `to_agent` and records the history row, together.
   * Refuses an unknown or inactive new agent, a resolved ticket, and a ticket no longer held by `from_agent`.
   */
  reassignTicket(change: TicketHistoryEntry & { readonly action: 'REASSIGNED' }): Promise<Ticket>;
  /**
   * The assignee reopens a resolved or escalated ticket: OPEN again, with a new SLA clock (assigned_at = `at`),
   * and the history row, together.
   */
  reopenTicket(orderId: string, agentEmail: string, at: Date, reason: string): Promise<Ticket>;
  /** History rows, oldest first; of one order when given. */
  listTicketHistory(orderId?: string): Promise<TicketHistoryEntry[]>;

  listResolutions(since: Date): Promise<Resolution[]>;
  /** Classification corrections (`ecm-field correct order`) since `since`; stores without them omit it. */
  listClassificationCorrections?(since: Date): Promise<ClassificationCorrection[]>;
  listEscalations(since: Date): Promise<Escalation[]>;
  appendPatterns(rows: readonly PatternRow[]): Promise<void>;
  listPatterns(date?: string): Promise<PatternRow[]>;
  writeDailyStats(rows: readonly DailyStatsRow[]): Promise<void>;

  close(): Promise<void>;
}

/**
 * Reopening (§14): only a resolved or escalated ticket comes back, to its own assignee, and the
 * Ticket History says so. Both ticket stores apply this one rule; `status` is the ticket's status as
 * the store reads it.
 */
export function reopenedEntry(
  ticket: Pick<Ticket, 'order_id' | 'agent_email'>,
  status: TicketStatus,
  when: string,
  reason: string,
): TicketHistoryEntry {
  if (status !== 'RESOLVED' && status !== 'ESCALATED')
    throw new TicketRuleError('conflict', `order ${ticket.order_id} is ${status}, not resolved or escalated`);
  return {
    at: when,
    order_id: ticket.order_id,
    action: 'REOPENED',
    from_agent: ticket.agent_email,
    to_agent: ticket.agent_email,
    by: ticket.agent_email,
    reason,
  };
}
