/** One trigger as the serve process's gate sees it: where it came from and what it asks for. */
export interface Trigger {
  readonly domain: string;
  readonly source: 'slack' | 'alertmanager' | 'webhook';
  readonly kind: string;
  /** Same key, same trigger: a retried delivery is admitted once. */
  readonly dedupeKey?: string;
  readonly detail: Record<string, unknown>;
}

export type TriggerOutcome = 'done' | 'failed' | 'refused';

export type Admission =
  | { readonly ok: true; finish(outcome: TriggerOutcome, detail?: string): Promise<void> }
  | { readonly ok: false; readonly reason: string };

/** The cross-domain guardrails (budget, rate limits, deduplication) and the record of every trigger. */
export interface TriggerGate {
  admit(trigger: Trigger): Promise<Admission>;
}
