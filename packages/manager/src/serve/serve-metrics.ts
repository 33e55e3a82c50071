import { Counter, Gauge, Registry } from 'prom-client';

/** What GET /metrics shows of the trigger service: every trigger decision and outcome, counted. */
export class ServeMetrics {
  readonly registry = new Registry();
  readonly triggers = new Counter({
    name: 'ecm_triggers_total',
    help: 'Triggers received, by domain, source and outcome (running = admitted; then done, failed or refused; or duplicate, rate_limited, over_budget).',
    labelNames: ['domain', 'source', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'ecm_trigger_requests_rejected_total',
    help: 'Requests refused before any domain saw them, by route and reason (unsigned, forged, stale, replayed, too_large, invalid, unknown_domain, unrouted).',
    labelNames: ['route', 'reason'] as const,
    registers: [this.registry],
  });
  readonly resolutions = new Counter({
    name: 'ecm_alert_resolutions_total',
    help: 'Resolved alerts recorded against the trigger they started, by domain.',
    labelNames: ['domain'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({ name: 'ecm_triggers_in_flight', help: 'Admitted triggers still running.', registers: [this.registry] });
  readonly domains = new Gauge({ name: 'ecm_domains_loaded', help: 'Domains loaded from configuration.', registers: [this.registry] });
}
