import type { EcmConfig, TicketStore } from '@ecm/core/domain';
import type { RunLock, StateDb } from '@ecm/core/stores';
import type { SlackMessage, SlackSink } from '@ecm/core/slack';
import type { Warehouse } from '@ecm/core/warehouse';
import type { Analyst } from './analyst.js';
import type { PhaseFacts, PhaseName } from './phase.js';
import type { RunStore } from './run-store.js';

export type PhaseStatus = 'succeeded' | 'skipped' | 'failed' | 'partial' | 'dry_run';

/** A phase that produced no facts (failed, or skipped before planning). */
export type NoFacts = Record<string, never>;

export interface PhaseOutcome {
  readonly phase: PhaseName;
  readonly status: PhaseStatus;
  readonly run_key: string;
  readonly messages: readonly SlackMessage[];
  readonly facts: PhaseFacts | NoFacts;
  readonly error?: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly command: string;
  readonly phases: readonly PhaseName[];
  readonly asOf: Date;
  readonly dryRun: boolean;
  readonly force: boolean;
  /** Where the outbox prints messages (stderr when stdout carries --json). */
  readonly out: NodeJS.WritableStream;
}

/** What one run's phases share: the stores, the lock, the sink and the analyst, opened once per run. */
export interface RunDeps {
  readonly analyst: Analyst;
  readonly config: EcmConfig;
  readonly state: StateDb;
  readonly runs: RunStore;
  readonly lock: RunLock;
  readonly tickets: TicketStore;
  readonly sink: SlackSink;
  readonly warehouse: () => Promise<Warehouse>;
  /** The run reads the demo warehouse: every report's title says [DEMO]. */
  readonly demo: boolean;
}
