import type { StateDb } from '@ecm/core/stores';
import type { Domain } from '@ecm/agent';
import type { ServeMetrics } from './serve-metrics.js';
import { TriggerStore, type TriggerSourceName } from './trigger-store.js';

/** What any trigger (Slack, Alertmanager, a signed webhook) asks the gate before it may run. */
export interface TriggerRequest {
  readonly domain: string;
  readonly source: TriggerSourceName;
  readonly kind: string;
  /** Deliveries with the same key are one trigger: the second starts nothing. */
  readonly dedupeKey?: string;
  readonly detail: Record<string, unknown>;
}

export type TriggerFinish = (outcome: 'done' | 'failed' | 'refused', detail?: string) => Promise<void>;
export type RefusalCode = 'unknown_domain' | 'duplicate' | 'rate_limited' | 'over_budget';
/** `code` is extra to the shape the Slack app relies on, so HTTP callers can map a refusal to a status. */
export type Admission = { ok: true; finish: TriggerFinish } | { ok: false; reason: string; code?: RefusalCode };

export interface TriggerGate {
  admit(trigger: TriggerRequest): Promise<Admission>;
}

/** Today's LLM spend, of one domain or (domain undefined) of all of them. */
export type SpendToday = (domain: string | undefined, now: Date) => Promise<number>;

export interface GateDeps {
  readonly state: StateDb;
  readonly domains: ReadonlyMap<string, Domain>;
  readonly globalDailyBudgetUsd: number;
  readonly spentToday: SpendToday;
  readonly metrics: ServeMetrics;
  readonly now?: () => Date;
  /** Called with every admitted trigger's promise of being finished, so a shutdown can wait for it. */
  readonly track?: (finished: Promise<void>) => void;
}

/**
 * The cross-domain guardrails every trigger passes, whatever its source: a known domain, one live
 * trigger per dedupe key, the domain's rate limit for the source, the domain's and the global daily
 * LLM budget. Every decision and outcome is recorded in `triggers` and counted in /metrics.
 */
export function createTriggerGate(deps: GateDeps): TriggerGate & { readonly store: TriggerStore } {
  const store = new TriggerStore(deps.state);
  const now = deps.now ?? (() => new Date());
  const count = (t: TriggerRequest, outcome: string) => deps.metrics.triggers.inc({ domain: t.domain, source: t.source, outcome });

  async function overBudget(domain: Domain, at: Date): Promise<string | null> {
    const [mine, all] = await Promise.all([deps.spentToday(domain.name, at), deps.spentToday(undefined, at)]);
    if (mine >= domain.guardrails.daily_budget_usd)
      return `domain ${domain.name}'s daily LLM budget spent: $${mine.toFixed(2)} of $${domain.guardrails.daily_budget_usd.toFixed(2)}; triggers run again tomorrow`;
    if (all >= deps.globalDailyBudgetUsd)
      return `global daily LLM budget spent: $${all.toFixed(2)} of $${deps.globalDailyBudgetUsd.toFixed(2)} across all domains; triggers run again tomorrow`;
    return null;
  }

  return {
    store,
    async admit(t) {
      const domain = deps.domains.get(t.domain);
      if (!domain) {
        deps.metrics.rejected.inc({ route: t.source, reason: 'unknown_domain' });
        return {
          ok: false,
          code: 'unknown_domain',
          reason: `unknown domain "${t.domain}" (known: ${[...deps.domains.keys()].join(', ')})`,
        };
      }
      const at = now();
      const reasonOverBudget = await overBudget(domain, at);
      if (reasonOverBudget) {
        await store.refuse(t, 'over_budget', reasonOverBudget, at);
        count(t, 'over_budget');
        return { ok: false, code: 'over_budget', reason: reasonOverBudget };
      }
      const rate = domain.guardrails.rate_limits[t.source];
      const begun = await store.begin(t, rate ? { max: rate.max, perMinutes: rate.per_minutes } : undefined, at);
      count(t, begun.outcome);
      if (begun.outcome !== 'running') return { ok: false, code: begun.outcome, reason: begun.detail ?? begun.outcome };

      deps.metrics.inFlight.inc();
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      deps.track?.(settled);
      let finished = false;
      return {
        ok: true,
        async finish(outcome, detail) {
          if (finished) return;
          finished = true;
          try {
            await store.finish(begun.id, outcome, detail, now());
            count(t, outcome);
          } finally {
            deps.metrics.inFlight.dec();
            settle();
          }
        },
      };
    },
  };
}
