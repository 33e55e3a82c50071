import type {
  DailyStatsRow,
  EcmConfig,
  Escalation,
  ReasonLearning,
  PatternRow,
  Resolution,
  Ticket,
  TicketHistoryEntry,
  TicketStore,
  TriageResult,
} from '@ecm/core/domain';
import type { SlackMessage } from '@ecm/core/slack';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import type { BacklogFacts, PatternsPhaseFacts, SlaFacts, TriageFacts } from './phase-facts.js';

export const PHASES = ['backlog', 'triage', 'patterns', 'sla'] as const;
/** What the `daily` job runs; the SLA watch has its own hourly job. */
export const DAILY_PHASES = ['backlog', 'triage', 'patterns'] as const;
export type PhaseName = (typeof PHASES)[number];

/** Everything a phase may read. The triage result is computed once per run and shared by the phases. */
export interface PhaseContext {
  readonly config: EcmConfig;
  readonly warehouse: Warehouse;
  readonly state: StateDb;
  readonly tickets: TicketStore;
  readonly asOf: Date;
  /** The scheduled slot this run belongs to, e.g. "2026-02-17T07:00+05:30". */
  readonly slot: string;
  triage(): Promise<TriageResult>;
  /** §13 learning loop: per-reason multipliers and flags from recent resolution feedback. */
  learning(): Promise<readonly ReasonLearning[]>;
}

/** What a phase will write. Plain JSON, stored with the run so a crashed run can finish the same plan. */
export interface PhaseWrites {
  readonly tickets?: readonly Ticket[];
  readonly self_healed?: readonly Resolution[];
  readonly patterns?: readonly PatternRow[];
  readonly escalations?: readonly Escalation[];
  /** SLA-watch alerts raised by this plan: recorded before posting, so no later run raises them again. */
  readonly sla_alerts?: readonly SlaAlertKey[];
  /** Per-agent Daily Stats rows of the run's report day (assigned, resolved, SLA met %, median minutes). */
  readonly daily_stats?: readonly DailyStatsRow[];
  /** Tickets moved by `ecm-manager tickets reassign | handover` (applied by that command, not by a phase). */
  readonly reassignments?: readonly (TicketHistoryEntry & { readonly action: 'REASSIGNED' })[];
}

export interface SlaAlertKey {
  readonly order_id: string;
  readonly level: string;
  /** The report day for the 48 h daily update; '' for a level raised once. */
  readonly day: string;
}

/** A phase's complete, deterministic outcome: the numbers (typed per phase), the messages showing them, the writes. */
export interface PhasePlan<F = PhaseFacts> {
  readonly facts: F;
  readonly messages: readonly SlackMessage[];
  readonly writes: PhaseWrites;
}

/** Each phase's facts (schemas in phase-facts.ts: plans are read back from the run store). */
export interface PhaseFactsOf {
  readonly backlog: BacklogFacts;
  readonly triage: TriageFacts;
  readonly patterns: PatternsPhaseFacts;
  readonly sla: SlaFacts;
}
export type PhaseFacts = PhaseFactsOf[PhaseName];
export type PlanOf<P extends PhaseName> = PhasePlan<PhaseFactsOf[P]>;
