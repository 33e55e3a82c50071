import { randomUUID } from 'node:crypto';
import { openStateDb, type StateDb } from '@ecm/core/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgentSchema } from '../log/schema.js';
import { decideProposal, listProposalDecisions, sqlProposalStore, type ProposalDecider } from './proposal-store.js';

const AT = new Date('2026-02-17T03:00:00Z');
const AGENT: ProposalDecider = { email: 'asha.ops@example.com', supervisor: false };
const LEAD: ProposalDecider = { email: 'lena.lead@example.com', supervisor: true };

async function propose(db: StateDb, domain: string, needsSupervisor: boolean) {
  return sqlProposalStore(db).create(
    {
      domain,
      orderId: `ORD-${randomUUID().slice(0, 8)}`,
      action: 'Force status sync',
      rationale: 'Lulu shows CREDITED',
      needsSupervisor,
      amountAed: needsSupervisor ? 90_000 : 900,
      skill: 'ecm-resolve',
      traceId: 't',
    },
    AT,
  );
}

describe('the human gate on proposals', () => {
  let db: StateDb;
  let domain = '';
  beforeAll(async () => {
    db = await openStateDb({ inMemory: true });
    await ensureAgentSchema(db);
  });
  afterAll(async () => db.close());
  const fresh = () => (domain = `gate-${randomUUID().slice(0, 8)}`);

  it('decides by an unambiguous id prefix and records who, when and why', async () => {
    const p = await propose(db, fresh(), false);
    const outcome = await decideProposal(db, {
      domain,
      idOrPrefix: p.id.slice(0, 8).toUpperCase(),
      decision: 'rejected',
      by: AGENT,
      reason: 'already pushed',
      at: AT,
    });
    expect(outcome).toMatchObject({
      refused: null,
      proposal: { id: p.id, status: 'rejected', decided_by: AGENT.email, decided_at: AT.toISOString(), decision_reason: 'already pushed' },
    });
    expect(await listProposalDecisions(db, domain, 'pending')).toEqual([]);
    expect((await listProposalDecisions(db, domain, null)).map((r) => r.status)).toEqual(['rejected']);
  });

  it('refuses a high-value approval by a non-supervisor and leaves it pending; a supervisor may', async () => {
    const p = await propose(db, fresh(), true);
    expect(await decideProposal(db, { domain, idOrPrefix: p.id, decision: 'approved', by: AGENT, reason: null, at: AT })).toMatchObject({
      refused: 'needs_supervisor',
    });
    expect((await listProposalDecisions(db, domain, 'pending')).map((r) => r.id)).toEqual([p.id]);
    expect(await decideProposal(db, { domain, idOrPrefix: p.id, decision: 'approved', by: LEAD, reason: null, at: AT })).toMatchObject({
      refused: null,
      proposal: { status: 'approved' },
    });
  });

  it('a decided proposal stays decided: a replayed or opposite decision is refused', async () => {
    const p = await propose(db, fresh(), false);
    await decideProposal(db, { domain, idOrPrefix: p.id, decision: 'approved', by: AGENT, reason: null, at: AT });
    const again = await decideProposal(db, {
      domain,
      idOrPrefix: p.id,
      decision: 'rejected',
      by: LEAD,
      reason: 'no',
      at: new Date(AT.getTime() + 60_000),
    });
    expect(again).toMatchObject({ refused: 'already_decided', proposal: { status: 'approved', decided_by: AGENT.email } });
  });

  it("refuses what is not an id (no LIKE wildcards), an unknown id, another domain's proposal and an ambiguous prefix", async () => {
    const p = await propose(db, fresh(), false);
    for (const forged of ['%', '____', "' OR 1=1 --", '']) {
      expect(await decideProposal(db, { domain, idOrPrefix: forged, decision: 'approved', by: LEAD, reason: null, at: AT })).toEqual({
        refused: 'not_an_id',
      });
    }
    expect(await decideProposal(db, { domain, idOrPrefix: 'ffffffff', decision: 'approved', by: LEAD, reason: null, at: AT })).toEqual({
      refused: 'not_found',
    });
    expect(
      await decideProposal(db, { domain: 'elsewhere', idOrPrefix: p.id, decision: 'approved', by: LEAD, reason: null, at: AT }),
    ).toEqual({ refused: 'not_found' });
    // Two proposals whose ids share their first eight characters: the prefix names neither.
    const [x, y] = [await propose(db, domain, false), await propose(db, domain, false)];
    await db.query('UPDATE proposals SET id = $2 WHERE id = $1', [x.id, 'abcdef01-0000-4000-8000-000000000001']);
    await db.query('UPDATE proposals SET id = $2 WHERE id = $1', [y.id, 'abcdef01-0000-4000-8000-000000000002']);
    expect(await decideProposal(db, { domain, idOrPrefix: 'abcdef01', decision: 'approved', by: LEAD, reason: null, at: AT })).toEqual({
      refused: 'ambiguous',
      matches: 2,
    });
    expect((await listProposalDecisions(db, domain, 'pending')).length).toBe(3);
  });
});

describe.runIf(Boolean(process.env.ECM_TEST_PG_URL))('two people deciding one proposal at once (PostgreSQL)', () => {
  it('exactly one decision is recorded', async () => {
    const env = { ECM_STATE_URL: process.env.ECM_TEST_PG_URL! };
    const [a, b] = [await openStateDb({ env }), await openStateDb({ env })];
    try {
      await ensureAgentSchema(a);
      const domain = `race-${randomUUID().slice(0, 8)}`;
      const p = await propose(a, domain, false);
      const outcomes = await Promise.all([
        decideProposal(a, { domain, idOrPrefix: p.id, decision: 'approved', by: AGENT, reason: null, at: AT }),
        decideProposal(b, { domain, idOrPrefix: p.id, decision: 'rejected', by: LEAD, reason: 'duplicate', at: AT }),
      ]);
      expect(outcomes.map((o) => o.refused).sort()).toEqual(['already_decided', null].sort());
      const [row] = await listProposalDecisions(a, domain, null);
      const winner = outcomes.find((o) => o.refused === null);
      expect(winner && winner.refused === null ? winner.proposal.status : 'none').toBe(row!.status);
    } finally {
      await Promise.allSettled([a.close(), b.close()]);
    }
  });
});
