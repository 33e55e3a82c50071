import type { EcmConfig, TriageResult } from '@ecm/core/domain';
import type { SlackMessage } from '@ecm/core/slack';
import type { AgentRuntime, ChainStep, ClusterOrder } from '@ecm/agent';
import type { RoutedCluster } from './analyst.js';
import { clusterOrders } from '@ecm/core/domain';
import { context, md, section, formatPercent, formatCount } from '@ecm/core/slack';
import { proposalButtons } from '../serve/slack/slack-actions.js';

type Reply = SlackMessage['thread'][number];

/** The orders of each pattern cluster, from the run's triage result: a proposal's only source of orders and risk. */
export async function clusterOrdersOf(config: EcmConfig, triage: TriageResult): Promise<Map<string, ClusterOrder[]>> {
  const amount = new Map(triage.orders.map((o) => [o.order_id, o.amount_aed]));
  return new Map(
    clusterOrders(config, triage.orders).map((c) => [
      c.pattern_id,
      c.order_ids.map((id) => ({ order_id: id, amount_aed: amount.get(id) ?? 0 })),
    ]),
  );
}

/**
 * Runs the configured chain (shared/config/routing.yaml) on the report's clusters and renders its thread
 * replies: each diagnosis, and the proposal it led to (pending a person's decision).
 */
export async function runSpecialistChain(
  runtime: AgentRuntime,
  config: EcmConfig,
  clusters: readonly RoutedCluster[],
  triage: TriageResult,
  unavailable: (reason: string) => Promise<Reply>,
): Promise<Reply[]> {
  const agent = await import('@ecm/agent');
  const routing = agent.loadRoutingConfig(config.sharedDir, new Set(runtime.skills.keys()));
  if (!routing.ok) return [await unavailable(`specialist chain not configured: ${routing.errors.join('; ')}`)];
  const orders = await clusterOrdersOf(config, triage);
  const steps: ChainStep<RoutedCluster>[] = await agent.runChain(runtime, routing.value, clusters, {
    ordersOf: (id) => orders.get(id) ?? [],
  });
  const replies: Reply[] = [];
  for (const step of steps) {
    const r = step.diagnosis;
    if (r?.status === 'diagnosed') {
      const d = r.diagnosis;
      const confidence = typeof d.confidence === 'number' ? formatPercent(d.confidence) : d.confidence;
      const p = step.proposal;
      const proposalLine =
        p && (p.status === 'proposed' || p.status === 'exists')
          ? md`\n*Proposed fix:* ${p.proposal.action.kind} for ${formatCount(p.proposal.orderCount)} orders (AED ${formatCount(Math.round(p.proposal.valueAed))}), waiting for ${p.proposal.needsSupervisor ? 'a supervisor' : 'an agent'}: ecm-field approve ${p.proposal.id.slice(0, 8)}`
          : p && 'reason' in p
            ? md`\n_No fix proposed: ${p.reason}_`
            : '';
      replies.push({
        text: `Diagnosis of ${step.cluster.pattern_id}`,
        blocks: [
          section(
            md`*Specialist diagnosis — ${step.cluster.pattern_id}* (${step.cluster.critical_count} critical, confidence ${confidence})\n*Root cause:* ${d.root_cause}\n*Fix:* ${d.recommended_fix}` +
              proposalLine,
          ),
          ...(d.evidence.length
            ? [
                context(
                  d.evidence
                    .slice(0, 5)
                    .map((e) => md`• ${e}`)
                    .join('\n'),
                ),
              ]
            : []),
          // Approve / Reject from the thread (the Slack app applies the same rules as ecm-field approve/reject).
          ...(p && (p.status === 'proposed' || p.status === 'exists') ? [proposalButtons(p.proposal.id)] : []),
        ],
      });
    } else if (r?.status === 'failed') replies.push(await unavailable(`diagnosis of ${step.cluster.pattern_id}: ${r.reason}`));
  }
  return replies;
}
