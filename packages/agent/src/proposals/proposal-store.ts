import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { queryRows, sqlDate, sqlNumber, type SqlQueryable } from '../db/sql.js';

/** A fix proposed by a skill. It only waits for a human: nothing in the runtime carries it out. */
export interface Proposal {
  readonly id: string;
  readonly createdAt: Date;
  readonly domain: string;
  readonly orderId: string;
  readonly action: string;
  readonly rationale: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly needsSupervisor: boolean;
  readonly amountAed: number | null;
  readonly skill: string;
  readonly traceId: string;
}

export type NewProposal = Omit<Proposal, 'id' | 'createdAt' | 'status'>;

/** Where proposals go. Creating is the only write a skill can reach. */
export interface ProposalStore {
  create(p: NewProposal, now: Date): Promise<Proposal>;
}

const proposalRow = z.object({
  id: z.string(),
  created_at: sqlDate,
  domain: z.string(),
  order_id: z.string(),
  action: z.string(),
  rationale: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  needs_supervisor: z.boolean(),
  amount_aed: sqlNumber.nullable(),
  skill: z.string(),
  trace_id: z.string(),
});

const toProposal = (r: z.infer<typeof proposalRow>): Proposal => ({
  id: r.id,
  createdAt: r.created_at,
  domain: r.domain,
  orderId: r.order_id,
  action: r.action,
  rationale: r.rationale,
  status: r.status,
  needsSupervisor: r.needs_supervisor,
  amountAed: r.amount_aed,
  skill: r.skill,
  traceId: r.trace_id,
});

/** The `proposals` table of the state database (see AGENT_SCHEMA). */
export function sqlProposalStore(db: SqlQueryable): ProposalStore {
  return {
    async create(p, now) {
      const rows = await queryRows(
        db,
        `INSERT INTO proposals (id, created_at, domain, order_id, action, rationale, status, needs_supervisor, amount_aed, skill, trace_id)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10) RETURNING *`,
        [randomUUID(), now.toISOString(), p.domain, p.orderId, p.action, p.rationale, p.needsSupervisor, p.amountAed, p.skill, p.traceId],
      );
      return toProposal(proposalRow.parse(rows[0]));
    },
  };
}

export async function listProposals(db: SqlQueryable, domain: string, status?: Proposal['status']): Promise<Proposal[]> {
  const rows = await queryRows(
    db,
    `SELECT * FROM proposals WHERE domain = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at, order_id, id`,
    [domain, status ?? null],
  );
  return rows.map((r) => toProposal(proposalRow.parse(r)));
}
