import type { SqlQueryable } from '../db/sql.js';
import { AgentMetrics } from './agent-metrics.js';

/** What a long-running service answers on GET /metrics. */
export interface MetricsEndpoint {
  readonly contentType: string;
  render(): Promise<string>;
}

/**
 * The log's metrics for a service Prometheus scrapes (the gateway in HTTP mode): the same values the
 * batch runs push, read from the log at most once per `minIntervalMs` however often it is scraped.
 */
export function logMetricsEndpoint(
  db: SqlQueryable,
  at: {
    readonly timeZone: string;
    readonly budgets: Readonly<Record<string, number>>;
    readonly minIntervalMs?: number;
    readonly now?: () => Date;
  },
): MetricsEndpoint {
  const metrics = new AgentMetrics();
  const now = at.now ?? (() => new Date());
  let last: { at: number; text: Promise<string> } | null = null;
  return {
    contentType: metrics.registry.contentType,
    render() {
      const t = now().getTime();
      if (!last || t - last.at >= (at.minIntervalMs ?? 10_000)) {
        const text = metrics
          .refreshFromLog(db, { now: now(), timeZone: at.timeZone, budgets: at.budgets })
          .then(() => metrics.registry.metrics());
        last = { at: t, text };
        text.catch(() => (last = null)); // a failed read is retried on the next scrape
      }
      return last.text;
    },
  };
}
