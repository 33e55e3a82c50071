import type { Domain } from '@ecm/agent';
import type { StateDb } from '@ecm/core/stores';
import type { TriggerRunner } from './run-trigger.js';
import type { ServeConfig } from './serve-config.js';
import type { ServeMetrics } from './serve-metrics.js';
import type { SlackTrigger } from './slack/slack-app.js';
import type { TriggerGate, TriggerRequest } from './trigger-gate.js';
import type { TriggerStore } from './trigger-store.js';

export interface ServeDeps {
  readonly config: ServeConfig;
  readonly domains: ReadonlyMap<string, Domain>;
  readonly state: StateDb;
  readonly gate: TriggerGate;
  readonly store: TriggerStore;
  readonly runner: Pick<TriggerRunner, 'run'>;
  readonly metrics: ServeMetrics;
  readonly env: NodeJS.ProcessEnv;
  readonly slack?: SlackTrigger | undefined;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/** How an admitted trigger's run ends: recorded through the gate. */
export type FinishRun = (outcome: 'done' | 'failed' | 'refused', detail?: string) => Promise<void>;

/** Runs an admitted trigger in the background. */
export type StartRun = (t: TriggerRequest, domain: Domain, run: Parameters<TriggerRunner['run']>[1], finish: FinishRun) => void;

/** What the trigger routes work with: the service's dependencies, its clock, and the background runner. */
export interface RouteDeps extends ServeDeps {
  readonly now: () => Date;
  readonly start: StartRun;
}
