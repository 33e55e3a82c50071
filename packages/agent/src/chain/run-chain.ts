import type { AgentRuntime } from '../loop/agent-runtime.js';
import { diagnoseClusters, type ClusterDiagnosis } from '../routing/diagnose-clusters.js';
import { proposeForCluster, type ClusterOrder, type ClusterProposalResult } from './cluster-proposal.js';
import { ruleMatches, rulesFrom, TRIAGE_SOURCE, type RoutingConfig } from './routing-config.js';
import { decideRoute, localDay, type RoutingOutcome } from './routing-decisions.js';

export interface ChainCluster {
  readonly pattern_id: string;
  readonly signature: string;
  readonly stuck_reason: string;
  readonly order_count: number;
  readonly critical_count: number;
  readonly total_amount_aed: number;
  readonly high_value_count?: number;
}

type Diagnosed<C extends ChainCluster> = ClusterDiagnosis<C & { signature_text: string }>;

export interface ChainStep<C extends ChainCluster> {
  readonly cluster: C;
  /** The first rule's decision on this cluster. */
  readonly routing: RoutingOutcome;
  readonly diagnosis?: Diagnosed<C>;
  /** The diagnosis rule's decision, when there was a diagnosis. */
  readonly resolveRouting?: RoutingOutcome;
  readonly proposal?: ClusterProposalResult;
}

export interface RunChainOptions {
  /** The cluster's orders from the triage result: the only source of a proposal's orders and risk. */
  readonly ordersOf: (clusterId: string) => readonly ClusterOrder[];
  readonly traceId?: string;
}

/**
 * The specialist chain as configured in routing.yaml: each cluster is tested against the triage rules;
 * a routed one is diagnosed; a diagnosis is tested against the diagnose rules; a routed diagnosis
 * goes to the resolver, whose answer becomes a pending proposal. Every decision is recorded.
 */
export async function runChain<C extends ChainCluster>(
  runtime: AgentRuntime,
  routing: RoutingConfig,
  clusters: readonly C[],
  opts: RunChainOptions,
): Promise<ChainStep<C>[]> {
  const now = runtime.now();
  const day = localDay(now, runtime.llm.budget.time_zone);
  const steps: ChainStep<C>[] = [];
  for (const cluster of clusters) {
    const outcome = await firstRoute(
      runtime,
      routing,
      TRIAGE_SOURCE,
      cluster.pattern_id,
      { ...cluster } as Record<string, unknown>,
      now,
      day,
    );
    if (!outcome.rule || outcome.outcome !== 'routed') {
      steps.push({ cluster, routing: outcome.outcome });
      continue;
    }
    const [diagnosis] = await diagnoseClusters(runtime, [{ ...cluster, signature_text: cluster.signature }], {
      rule: { from: outcome.rule.from, to: outcome.rule.to, min_critical_count: 0 },
      ...(opts.traceId ? { traceId: opts.traceId } : {}),
    });
    if (diagnosis?.status !== 'diagnosed') {
      steps.push({ cluster, routing: 'routed', ...(diagnosis ? { diagnosis } : {}) });
      continue;
    }
    const next = await firstRoute(runtime, routing, outcome.rule.to, cluster.pattern_id, { ...diagnosis.diagnosis }, now, day);
    if (!next.rule || next.outcome !== 'routed') {
      steps.push({ cluster, routing: 'routed', diagnosis, resolveRouting: next.outcome });
      continue;
    }
    const proposal = await proposeForCluster(runtime, {
      cluster,
      diagnosis: diagnosis.diagnosis,
      orders: opts.ordersOf(cluster.pattern_id),
      day,
      approval: routing.approval,
      diagnosisExecutionId: diagnosis.execution.id,
      ...(opts.traceId ? { traceId: opts.traceId } : {}),
    });
    steps.push({ cluster, routing: 'routed', diagnosis, resolveRouting: 'routed', proposal });
  }
  return steps;
}

/** The first of a source's rules that matches decides (and is recorded); none matching records the first as not matched. */
async function firstRoute(
  runtime: AgentRuntime,
  routing: RoutingConfig,
  from: string,
  subject: string,
  output: Record<string, unknown>,
  now: Date,
  day: string,
) {
  const rules = rulesFrom(routing, from);
  const rule = rules.find((r) => ruleMatches(r, output)) ?? rules[0];
  if (!rule) return { rule: undefined, outcome: 'not_matched' as const };
  const outcome = await decideRoute(runtime.db, { domain: runtime.domain, rule, subject, matched: ruleMatches(rule, output), now, day });
  return { rule, outcome };
}
