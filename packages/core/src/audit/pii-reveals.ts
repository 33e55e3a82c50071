import { z } from 'zod';
import type { StateQueryable } from '../state/state-db.js';

/**
 * The record of every time a customer's personal data was shown unmasked (§12): who, which order,
 * when, through which program. This module owns the `pii_reveals` table; nothing else writes it.
 */

export const PII_REVEAL_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS pii_reveals (
    id bigserial PRIMARY KEY,
    revealed_at timestamptz NOT NULL,
    agent_email text NOT NULL,
    order_id text NOT NULL,
    program text NOT NULL,
    basis text NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS pii_reveals_at ON pii_reveals (revealed_at)`,
];

export interface PiiReveal {
  readonly revealed_at: string;
  readonly agent_email: string;
  readonly order_id: string;
  /** ecm-field, ecm-gateway/stdio, ecm-gateway/http, … */
  readonly program: string;
  /** Why it was allowed: `assignee` of an open ticket, or `supervisor`. */
  readonly basis: 'assignee' | 'supervisor';
}

const revealRow = z.object({
  revealed_at: z.union([z.date(), z.string()]).transform((v) => new Date(v).toISOString()),
  agent_email: z.string(),
  order_id: z.string(),
  program: z.string(),
  basis: z.enum(['assignee', 'supervisor']),
});

export async function recordPiiReveal(db: StateQueryable, reveal: PiiReveal): Promise<void> {
  await db.query('INSERT INTO pii_reveals (revealed_at, agent_email, order_id, program, basis) VALUES ($1, $2, $3, $4, $5)', [
    reveal.revealed_at,
    reveal.agent_email,
    reveal.order_id,
    reveal.program,
    reveal.basis,
  ]);
}

export interface PiiRevealFilter {
  readonly since?: Date;
  readonly agentEmail?: string;
}

/** Reveals, oldest first. */
export async function listPiiReveals(db: StateQueryable, filter: PiiRevealFilter = {}): Promise<PiiReveal[]> {
  const rows = await db.query(
    `SELECT revealed_at, agent_email, order_id, program, basis FROM pii_reveals
     WHERE ($1::timestamptz IS NULL OR revealed_at >= $1) AND ($2::text IS NULL OR agent_email = $2)
     ORDER BY revealed_at, id`,
    [filter.since?.toISOString() ?? null, filter.agentEmail?.trim().toLowerCase() ?? null],
  );
  return rows.map((r) => revealRow.parse(r));
}
