import { forLog, textForLog } from '@ecm/agent';
import type { StateQueryable } from '@ecm/core/stores';
import { z } from 'zod';

/**
 * The one owner of the `triggers` table (every trigger the service received and what became of it)
 * and of `webhook_signatures` (signatures already accepted, so a replay is refused). It creates its
 * own schema in the state store, as the agent package does for its tables.
 */

export const TRIGGER_SOURCES = ['slack', 'alertmanager', 'webhook', 'cron'] as const;
export type TriggerSourceName = (typeof TRIGGER_SOURCES)[number];

/** `running` until finished; the refusals are written once and never change. */
export const TRIGGER_OUTCOMES = ['running', 'done', 'failed', 'refused', 'duplicate', 'rate_limited', 'over_budget'] as const;
export type TriggerOutcome = (typeof TRIGGER_OUTCOMES)[number];

export const TRIGGER_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS triggers (
     id bigserial PRIMARY KEY,
     domain text NOT NULL,
     source text NOT NULL,
     kind text NOT NULL,
     dedupe_key text,
     outcome text NOT NULL,
     detail text,
     payload jsonb NOT NULL DEFAULT '{}'::jsonb,
     received_at timestamptz NOT NULL DEFAULT now(),
     finished_at timestamptz,
     resolved_at timestamptz
   )`,
  // One live trigger per dedupe key: a re-sent alert or webhook finds the first and starts nothing.
  // A failed or refused one does not count, so a later delivery may try again.
  `CREATE UNIQUE INDEX IF NOT EXISTS triggers_live_dedupe ON triggers (domain, source, dedupe_key) WHERE dedupe_key IS NOT NULL AND outcome IN ('running', 'done')`,
  `CREATE INDEX IF NOT EXISTS triggers_window ON triggers (domain, source, received_at)`,
  `CREATE TABLE IF NOT EXISTS webhook_signatures (
     domain text NOT NULL,
     signature text NOT NULL,
     seen_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (domain, signature)
   )`,
];

export async function ensureTriggerSchema(db: StateQueryable): Promise<void> {
  for (const sql of TRIGGER_SCHEMA) await db.query(sql);
}

const triggerRow = z.object({
  id: z.union([z.string(), z.number(), z.bigint()]).transform(String),
  domain: z.string(),
  source: z.enum(TRIGGER_SOURCES),
  kind: z.string(),
  dedupe_key: z.string().nullable(),
  outcome: z.enum(TRIGGER_OUTCOMES),
  detail: z.string().nullable(),
  received_at: z.union([z.date(), z.string()]).transform((d) => new Date(d)),
  finished_at: z
    .union([z.date(), z.string()])
    .nullable()
    .transform((d) => (d === null ? null : new Date(d))),
  resolved_at: z
    .union([z.date(), z.string()])
    .nullable()
    .transform((d) => (d === null ? null : new Date(d))),
});
export type TriggerRecord = z.infer<typeof triggerRow>;

export interface NewTrigger {
  readonly domain: string;
  readonly source: TriggerSourceName;
  readonly kind: string;
  readonly dedupeKey?: string | undefined;
  readonly detail: Record<string, unknown>;
}

const COLUMNS = 'id, domain, source, kind, dedupe_key, outcome, detail, received_at, finished_at, resolved_at';

export class TriggerStore {
  constructor(private readonly db: StateQueryable & { transaction<T>(fn: (tx: StateQueryable) => Promise<T>): Promise<T> }) {}

  /**
   * Records a trigger as `running` unless a live one has the same dedupe key or the source's window is
   * full. Decided in one transaction under a per-(domain, source) lock, so concurrent deliveries (and
   * several replicas sharing the store) cannot both pass.
   */
  async begin(
    t: NewTrigger,
    limit: { readonly max: number; readonly perMinutes: number } | undefined,
    now: Date,
  ): Promise<{ id: string; outcome: 'running' | 'duplicate' | 'rate_limited'; detail?: string }> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`triggers:${t.domain}:${t.source}`]);
      if (t.dedupeKey !== undefined) {
        const live = await tx.query(
          `SELECT id FROM triggers WHERE domain = $1 AND source = $2 AND dedupe_key = $3 AND outcome IN ('running', 'done') LIMIT 1`,
          [t.domain, t.source, t.dedupeKey],
        );
        if (live.length) {
          const detail = `already received as trigger ${String(live[0]!.id)}`;
          return { id: await this.insert(tx, t, 'duplicate', detail, now), outcome: 'duplicate' as const, detail };
        }
      }
      if (limit) {
        const since = new Date(now.getTime() - limit.perMinutes * 60_000);
        const rows = await tx.query(
          `SELECT count(*)::int AS n FROM triggers WHERE domain = $1 AND source = $2 AND received_at > $3 AND outcome IN ('running', 'done', 'failed')`,
          [t.domain, t.source, since.toISOString()],
        );
        const n = Number(rows[0]!.n);
        if (n >= limit.max) {
          const detail = `rate limit: ${limit.max} ${t.source} trigger(s) per ${limit.perMinutes} min for domain ${t.domain}`;
          return { id: await this.insert(tx, t, 'rate_limited', detail, now), outcome: 'rate_limited' as const, detail };
        }
      }
      return { id: await this.insert(tx, t, 'running', null, now), outcome: 'running' as const };
    });
  }

  /** A trigger refused before it ran (e.g. the budget), recorded with why. */
  async refuse(t: NewTrigger, outcome: 'over_budget' | 'refused', detail: string, now: Date): Promise<string> {
    return this.insert(this.db, t, outcome, detail, now, now);
  }

  private async insert(
    db: StateQueryable,
    t: NewTrigger,
    outcome: TriggerOutcome,
    detail: string | null,
    now: Date,
    finishedAt: Date | null = outcome === 'running' ? null : now,
  ): Promise<string> {
    const rows = await db.query(
      `INSERT INTO triggers (domain, source, kind, dedupe_key, outcome, detail, payload, received_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9) RETURNING id`,
      // What a sender put in a trigger is kept as the execution log keeps inputs: personal data and secrets masked.
      [
        t.domain,
        t.source,
        t.kind,
        t.dedupeKey ?? null,
        outcome,
        textForLog(detail),
        JSON.stringify(forLog(t.detail)),
        now.toISOString(),
        finishedAt?.toISOString() ?? null,
      ],
    );
    return String(rows[0]!.id);
  }

  async finish(id: string, outcome: 'done' | 'failed' | 'refused', detail: string | undefined, now: Date): Promise<void> {
    await this.db.query(`UPDATE triggers SET outcome = $2, detail = $3, finished_at = $4 WHERE id = $1 AND outcome = 'running'`, [
      id,
      outcome,
      textForLog(detail ?? null),
      now.toISOString(),
    ]);
  }

  /** Marks the live triggers of an alert resolved; false when none was recorded (it never fired here). */
  async resolve(domain: string, source: TriggerSourceName, dedupeKey: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE triggers SET resolved_at = $4 WHERE domain = $1 AND source = $2 AND dedupe_key = $3 AND outcome IN ('running', 'done', 'failed') AND resolved_at IS NULL RETURNING id`,
      [domain, source, dedupeKey, now.toISOString()],
    );
    return rows.length > 0;
  }

  /** Remembers a webhook signature; false when it was seen before (a replay). */
  async firstSighting(domain: string, signature: string, now: Date, keepMs: number): Promise<boolean> {
    await this.db.query('DELETE FROM webhook_signatures WHERE seen_at < $1', [new Date(now.getTime() - keepMs).toISOString()]);
    const rows = await this.db.query(
      'INSERT INTO webhook_signatures (domain, signature, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING signature',
      [domain, signature, now.toISOString()],
    );
    return rows.length > 0;
  }

  async list(filter: { domain?: string; source?: TriggerSourceName } = {}): Promise<TriggerRecord[]> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM triggers WHERE ($1::text IS NULL OR domain = $1) AND ($2::text IS NULL OR source = $2) ORDER BY id`,
      [filter.domain ?? null, filter.source ?? null],
    );
    return rows.map((r) => triggerRow.parse(r));
  }

  /** Triggers still running (e.g. cut short by a shutdown), oldest first. */
  async running(): Promise<TriggerRecord[]> {
    return (await this.list()).filter((t) => t.outcome === 'running');
  }
}
