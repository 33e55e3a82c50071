import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { queryRows, sqlDate, sqlNumber, type SqlQueryable } from '../db/sql.js';
import { redactPii } from '../insights/redact-pii.js';
import type { AgentRuntime, SkillExecution } from '../loop/agent-runtime.js';
import { RESOLVE_SKILL } from '../routing/propose-fix.js';
import { verifyInsights } from '../verify/verify-insights.js';
import { catalogueText, FIX_ACTIONS, fixActionSchema, type FixAction } from './fix-actions.js';
import type { RoutingConfig } from './routing-config.js';
import { jsonAnswer } from '../routing/model-json.js';
import { firstIssue } from '@ecm/core/text';

/** What the run knows about one of the cluster's orders, from the triage result (never from the model). */
export interface ClusterOrder {
  readonly order_id: string;
  readonly amount_aed: number;
}

export interface ProposalCluster {
  readonly pattern_id: string;
  readonly signature: string;
  readonly stuck_reason: string;
  readonly critical_count: number;
}

export interface ClusterProposal {
  readonly id: string;
  readonly clusterId: string;
  readonly day: string;
  readonly action: FixAction;
  readonly expectedEffect: string;
  /** Deterministic: the chosen orders' count and their total value in AED. */
  readonly orderCount: number;
  readonly valueAed: number;
  readonly needsSupervisor: boolean;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly createdAt: Date;
  readonly decidedAt: Date | null;
}

export type ClusterProposalResult =
  | { readonly status: 'proposed' | 'exists'; readonly proposal: ClusterProposal; readonly execution?: SkillExecution }
  | { readonly status: 'no_proposal' | 'failed'; readonly reason: string; readonly execution?: SkillExecution };

export interface ProposeForClusterRequest {
  readonly cluster: ProposalCluster;
  readonly diagnosis: unknown;
  readonly orders: readonly ClusterOrder[];
  readonly day: string;
  readonly approval: RoutingConfig['approval'];
  /** The diagnosis execution this proposal follows (for feedback on its orders). */
  readonly diagnosisExecutionId?: string;
  readonly traceId?: string;
}

const row = z.object({
  id: z.string(),
  cluster_id: z.string(),
  proposal_day: z.string(),
  action_detail: z.union([z.string().transform((s) => JSON.parse(s) as unknown), z.record(z.string(), z.unknown())]).pipe(fixActionSchema),
  expected_effect: z.string(),
  order_count: sqlNumber,
  amount_aed: sqlNumber,
  needs_supervisor: z.boolean(),
  status: z.enum(['pending', 'approved', 'rejected']),
  created_at: sqlDate,
  decided_at: sqlDate.nullable(),
});
const toProposal = (r: z.infer<typeof row>): ClusterProposal => ({
  id: r.id,
  clusterId: r.cluster_id,
  day: r.proposal_day,
  action: r.action_detail,
  expectedEffect: r.expected_effect,
  orderCount: r.order_count,
  valueAed: r.amount_aed,
  needsSupervisor: r.needs_supervisor,
  status: r.status,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});
const COLUMNS =
  'id, cluster_id, proposal_day, action_detail, expected_effect, order_count, amount_aed, needs_supervisor, status, created_at, decided_at';

export async function findClusterProposal(
  db: SqlQueryable,
  domain: string,
  clusterId: string,
  day: string,
): Promise<ClusterProposal | null> {
  const [r] = await queryRows(db, `SELECT ${COLUMNS} FROM proposals WHERE domain = $1 AND cluster_id = $2 AND proposal_day = $3`, [
    domain,
    clusterId,
    day,
  ]);
  return r ? toProposal(row.parse(r)) : null;
}

export async function listClusterProposals(
  db: SqlQueryable,
  domain: string,
  status?: ClusterProposal['status'],
): Promise<ClusterProposal[]> {
  const rows = await queryRows(
    db,
    `SELECT ${COLUMNS} FROM proposals WHERE domain = $1 AND cluster_id IS NOT NULL AND ($2::text IS NULL OR status = $2) ORDER BY created_at, id`,
    [domain, status ?? null],
  );
  return rows.map((r) => toProposal(row.parse(r)));
}

export async function getClusterProposal(db: SqlQueryable, id: string): Promise<ClusterProposal | null> {
  const [r] = await queryRows(db, `SELECT ${COLUMNS} FROM proposals WHERE id = $1 AND cluster_id IS NOT NULL`, [id]);
  return r ? toProposal(row.parse(r)) : null;
}

/** The supervisor rule: thresholds from routing.yaml over the deterministic risk. */
export const needsSupervisor = (approval: RoutingConfig['approval'], valueAed: number, orderCount: number) =>
  valueAed >= approval.supervisor_min_value_aed || orderCount >= approval.supervisor_min_orders;

const PROMPT_ORDER_LIMIT = 200;

type Checked = { ok: true; action: FixAction } | { ok: false; none: boolean; reason: string; verifier: boolean };

/** The resolver's answer checked: one catalogue action, its orders a subset of the cluster's, its evidence supported by the facts. */
export function checkFixAction(text: string, clusterOrderIds: ReadonlySet<string>, facts: unknown): Checked {
  const json = jsonAnswer(text, 'proposal');
  if (!json.ok) return { ok: false, none: false, reason: json.reason, verifier: false };
  const data = json.data;
  if (data && typeof data === 'object' && (data as { kind?: unknown }).kind === 'none') {
    return { ok: false, none: true, reason: String((data as { reason?: unknown }).reason ?? 'no action fits'), verifier: false };
  }
  const parsed = fixActionSchema.safeParse(data);
  if (!parsed.success)
    return { ok: false, none: false, reason: `proposal does not match the action catalogue: ${firstIssue(parsed.error)}`, verifier: false };
  const orderIds = [...new Set(parsed.data.order_ids)];
  const foreign = orderIds.filter((id) => !clusterOrderIds.has(id));
  if (foreign.length)
    return {
      ok: false,
      none: false,
      reason: `proposal names orders outside the cluster: ${foreign.slice(0, 5).join(', ')}`,
      verifier: false,
    };
  const evidence = verifyInsights(parsed.data.evidence, facts);
  if (!evidence.kept.length) return { ok: false, none: false, reason: 'no evidence survived the number check', verifier: true };
  return { ok: true, action: { ...parsed.data, order_ids: orderIds, evidence: evidence.kept } };
}

/** What the resolver sees of the cluster: the cluster, its size and value, the diagnosis, and (up to 200) order ids; no customer contact. */
function proposalFacts(req: ProposeForClusterRequest) {
  return redactPii({
    cluster: req.cluster,
    order_count: req.orders.length,
    total_amount_aed: Math.round(req.orders.reduce((s, o) => s + o.amount_aed, 0) * 100) / 100,
    diagnosis: req.diagnosis,
    order_ids: req.orders.slice(0, PROMPT_ORDER_LIMIT).map((o) => o.order_id),
  });
}

const proposalPrompt = (facts: unknown) =>
  [
    'Propose one fix for this cluster from the action catalogue. Answer with one JSON object:',
    '{"kind": one of the actions, "order_ids": [ids from the cluster], "evidence": [string, ...]} (plus "partner" for retry_payout_with_partner),',
    'or {"kind": "none", "reason": string} when no action fits. You never carry an action out; a person decides.',
    'Actions:',
    catalogueText(),
    'Facts (JSON):',
    JSON.stringify(facts, null, 1),
  ].join('\n');

type Execution = Awaited<ReturnType<AgentRuntime['runSkill']>>;
type Order = ProposeForClusterRequest['orders'][number];

/** Stores the checked action as a pending proposal, once per cluster and day; the risk comes from the chosen orders. */
async function storeProposal(
  runtime: AgentRuntime,
  req: ProposeForClusterRequest,
  action: FixAction,
  byId: ReadonlyMap<string, Order>,
  execution: Execution,
): Promise<ClusterProposalResult> {
  const chosen = action.order_ids.map((id) => byId.get(id)!);
  const valueAed = Math.round(chosen.reduce((s, o) => s + o.amount_aed, 0) * 100) / 100;
  const entry = FIX_ACTIONS[action.kind];
  const inserted = await queryRows(
    runtime.db,
    `INSERT INTO proposals (id, created_at, domain, order_id, action, rationale, status, needs_supervisor, amount_aed, skill, trace_id,
       cluster_id, proposal_day, action_kind, action_detail, expected_effect, order_count, execution_id, diagnosis_execution_id)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
     ON CONFLICT (domain, cluster_id, proposal_day) DO NOTHING RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      runtime.now().toISOString(),
      runtime.domain,
      chosen[0]!.order_id,
      `${action.kind}${action.kind === 'retry_payout_with_partner' ? ` (${action.partner})` : ''} for ${chosen.length} order(s) of ${req.cluster.pattern_id}`,
      action.evidence.join(' | '),
      needsSupervisor(req.approval, valueAed, chosen.length),
      valueAed,
      RESOLVE_SKILL,
      execution.traceId,
      req.cluster.pattern_id,
      req.day,
      action.kind,
      JSON.stringify(action),
      entry.effect,
      chosen.length,
      execution.id,
      req.diagnosisExecutionId ?? null,
    ],
  );
  if (inserted[0]) return { status: 'proposed', proposal: toProposal(row.parse(inserted[0])), execution };
  // Another run of the same day stored it first.
  const winner = await findClusterProposal(runtime.db, runtime.domain, req.cluster.pattern_id, req.day);
  return winner
    ? { status: 'exists', proposal: winner, execution }
    : { status: 'failed', reason: 'proposal vanished after a conflict', execution };
}

/**
 * Asks the resolver for one fix from the catalogue for a diagnosed cluster and stores it as a pending
 * proposal, once per cluster and day. Risk (value, count) and the supervisor gate come from the
 * triage facts; the model only picks and fills the action, and nothing carries it out.
 */
export async function proposeForCluster(runtime: AgentRuntime, req: ProposeForClusterRequest): Promise<ClusterProposalResult> {
  const existing = await findClusterProposal(runtime.db, runtime.domain, req.cluster.pattern_id, req.day);
  if (existing) return { status: 'exists', proposal: existing };
  if (runtime.unavailable) return { status: 'failed', reason: runtime.unavailable };
  const byId = new Map(req.orders.map((o) => [o.order_id, o]));
  const facts = proposalFacts(req);
  let checked: Checked | undefined;
  const execution = await runtime.runSkill({
    skill: RESOLVE_SKILL,
    input: proposalPrompt(facts),
    inputSummary: `cluster ${req.cluster.pattern_id} (${req.orders.length} orders)`,
    subject: req.cluster.pattern_id,
    ...(req.traceId ? { traceId: req.traceId } : {}),
    finish: (text) => {
      checked = checkFixAction(text, new Set(byId.keys()), facts);
      if (checked.ok) return { output: checked.action };
      if (checked.none) return { output: { none: checked.reason } };
      return { output: { rejected: checked.reason }, outcome: checked.verifier ? 'verifier_dropped' : 'error', detail: checked.reason };
    },
  });
  const result = checked as Checked | undefined;
  if (!result || execution.outcome === 'error' || execution.outcome === 'budget_skipped') {
    return { status: 'failed', reason: execution.detail ?? (result && !result.ok ? result.reason : 'no answer'), execution };
  }
  if (!result.ok) return { status: result.none ? 'no_proposal' : 'failed', reason: result.reason, execution };
  return storeProposal(runtime, req, result.action, byId, execution);
}
