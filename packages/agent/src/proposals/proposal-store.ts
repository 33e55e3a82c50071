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

/**
 * A proposal as the human gate shows and decides it (ecm-field proposals / approve / reject): its
 * decision with who made it, when and why. Snake case: it is printed as JSON as it stands.
 */
const when = z.union([z.date(), z.string()]).transform((v) => new Date(v).toISOString());
export const proposalDecisionSchema = z
  .object({ id: z.string(), created_at: when })
  .extend(
    proposalRow.pick({ order_id: true, action: true, rationale: true, status: true, needs_supervisor: true, amount_aed: true, skill: true })
      .shape,
  )
  .extend({ decided_by: z.string().nullable(), decided_at: when.nullable(), decision_reason: z.string().nullable() });
export type ProposalDecisionRow = z.infer<typeof proposalDecisionSchema>;

const DECISION_COLUMNS =
  'id, created_at, order_id, action, rationale, status, needs_supervisor, amount_aed, skill, decided_by, decided_at, decision_reason';

/** A domain's proposals with their decisions, oldest first; `status` null lists every one. */
export async function listProposalDecisions(
  db: SqlQueryable,
  domain: string,
  status: Proposal['status'] | null,
): Promise<ProposalDecisionRow[]> {
  const rows = await queryRows(
    db,
    `SELECT ${DECISION_COLUMNS} FROM proposals WHERE domain = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at, id`,
    [domain, status],
  );
  return rows.map((r) => proposalDecisionSchema.parse(r));
}

export interface ProposalDecider {
  readonly email: string;
  readonly supervisor: boolean;
}

/** Why a decision was not recorded: the caller says it in its own words. */
export type ProposalDecisionRefusal =
  | { readonly refused: 'not_an_id' }
  | { readonly refused: 'not_found' }
  | { readonly refused: 'ambiguous'; readonly matches: number }
  | { readonly refused: 'already_decided' | 'needs_supervisor'; readonly proposal: ProposalDecisionRow };

export type ProposalDecisionOutcome = { readonly refused: null; readonly proposal: ProposalDecisionRow } | ProposalDecisionRefusal;

/** Something that runs work in one transaction (the state database of @ecm/core). */
export interface SqlTransactional {
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

/**
 * Approves or rejects a pending proposal found by its id or an unambiguous prefix of it (lists show
 * the first 8 characters): the human gate. Approving a high-value proposal needs a supervisor;
 * rejecting never does (it changes nothing). A decided proposal stays decided.
 */
export async function decideProposal(
  db: SqlTransactional,
  request: {
    readonly domain: string;
    readonly idOrPrefix: string;
    readonly decision: 'approved' | 'rejected';
    readonly by: ProposalDecider;
    readonly reason: string | null;
    readonly at: Date;
  },
): Promise<ProposalDecisionOutcome> {
  const key = request.idOrPrefix.trim().toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/.test(key)) return { refused: 'not_an_id' };
  return db.transaction(async (tx) => {
    const rows = await queryRows(tx, `SELECT ${DECISION_COLUMNS} FROM proposals WHERE domain = $1 AND id LIKE $2 ORDER BY id FOR UPDATE`, [
      request.domain,
      `${key}%`,
    ]);
    if (rows.length === 0) return { refused: 'not_found' };
    if (rows.length > 1) return { refused: 'ambiguous', matches: rows.length };
    const p = proposalDecisionSchema.parse(rows[0]);
    if (p.status !== 'pending') return { refused: 'already_decided', proposal: p };
    if (request.decision === 'approved' && p.needs_supervisor && !request.by.supervisor)
      return { refused: 'needs_supervisor', proposal: p };
    const [updated] = await queryRows(
      tx,
      `UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1 AND status = 'pending' RETURNING ${DECISION_COLUMNS}`,
      [p.id, request.decision, request.by.email, request.at.toISOString(), request.reason],
    );
    return { refused: null, proposal: proposalDecisionSchema.parse(updated) };
  });
}
