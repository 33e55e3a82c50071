import { startOfDay } from '../budget/day-window.js';
import { redactPii } from '../insights/redact-pii.js';
import { countSubjectExecutions } from '../log/execution-log.js';
import type { AgentRuntime, SkillExecution } from '../loop/agent-runtime.js';
import { ECM } from '../tracing/gen-ai.js';
import { inSpan } from '../tracing/tracing.js';
import { parseDiagnosis, type Diagnosis } from './diagnosis.js';
import { routeClusters, type RoutableCluster, type RoutingRule } from './route-clusters.js';

export type ClusterDiagnosis<C extends RoutableCluster> =
  | { readonly cluster: C; readonly status: 'not_routed' }
  | { readonly cluster: C; readonly status: 'already_diagnosed_today' }
  | { readonly cluster: C; readonly status: 'diagnosed'; readonly diagnosis: Diagnosis; readonly execution: SkillExecution }
  | { readonly cluster: C; readonly status: 'failed'; readonly reason: string; readonly execution?: SkillExecution };

export interface DiagnoseOptions<C extends RoutableCluster> {
  /** The facts the specialist gets for one cluster (default: the cluster itself). */
  readonly factsOf?: (cluster: C) => unknown;
  /** Default: the routing section of llm.yaml. */
  readonly rule?: RoutingRule;
  readonly traceId?: string;
}

/**
 * Routes clusters (§15) and runs the specialist on each routed one, at most
 * `max_per_signature_per_day` times per signature per day (asked of the execution log).
 * Each hand-off is a span (manager → specialist) holding the specialist's execution; every diagnosis
 * is schema- and number-checked.
 */
export async function diagnoseClusters<C extends RoutableCluster>(
  runtime: AgentRuntime,
  clusters: readonly C[],
  opts: DiagnoseOptions<C> = {},
): Promise<ClusterDiagnosis<C>[]> {
  const rule = opts.rule ?? runtime.llm.routing;
  const since = startOfDay(runtime.now(), runtime.llm.budget.time_zone);
  const out: ClusterDiagnosis<C>[] = [];
  for (const { cluster, to } of routeClusters(clusters, rule)) {
    if (!to) {
      out.push({ cluster, status: 'not_routed' });
      continue;
    }
    const done = await countSubjectExecutions(runtime.db, {
      domain: runtime.domain,
      skill: to,
      subject: cluster.signature_text,
      since,
    }).catch(() => 0);
    if (done >= runtime.llm.routing.max_per_signature_per_day) {
      out.push({ cluster, status: 'already_diagnosed_today' });
      continue;
    }
    if (runtime.unavailable) {
      out.push({ cluster, status: 'failed', reason: runtime.unavailable });
      continue;
    }
    const facts = redactPii(opts.factsOf ? opts.factsOf(cluster) : cluster);
    let parsed: ReturnType<typeof parseDiagnosis> | undefined;
    const handoff = {
      [ECM.routedFrom]: rule.from,
      [ECM.routedTo]: to,
      [ECM.subject]: cluster.signature_text,
      'ecm.cluster.critical_count': cluster.critical_count,
    };
    const execution = await inSpan(`handoff ${rule.from} → ${to}`, { attributes: handoff }, () =>
      runtime.runSkill({
        skill: to,
        input: [
          `Diagnose this cluster of stuck orders (${cluster.critical_count} critical). Answer with one JSON object:`,
          '{"root_cause": string, "evidence": [string, ...], "recommended_fix": string, "confidence": number between 0 and 1}',
          'Facts (JSON):',
          JSON.stringify(facts, null, 1),
        ].join('\n'),
        inputSummary: `cluster ${cluster.signature_text} (${cluster.critical_count} critical)`,
        subject: cluster.signature_text,
        routing: { from: rule.from, to },
        ...(opts.traceId ? { traceId: opts.traceId } : {}),
        finish: (text, { toolTexts }) => {
          parsed = parseDiagnosis(text, [facts, ...toolTexts]);
          if (parsed.ok) {
            const dropped = parsed.droppedEvidence.length;
            return dropped
              ? {
                  output: parsed.diagnosis,
                  outcome: 'verifier_dropped',
                  detail: `verifier dropped ${dropped} evidence item(s) with unsupported figures`,
                }
              : { output: parsed.diagnosis };
          }
          return { output: { rejected: parsed.reason }, outcome: parsed.verifier ? 'verifier_dropped' : 'error', detail: parsed.reason };
        },
      }),
    );
    const result = parsed as ReturnType<typeof parseDiagnosis> | undefined;
    if (result?.ok && (execution.outcome === 'success' || execution.outcome === 'verifier_dropped' || execution.outcome === 'max_turns')) {
      out.push({ cluster, status: 'diagnosed', diagnosis: result.diagnosis, execution });
    } else {
      out.push({
        cluster,
        status: 'failed',
        reason: execution.detail ?? (result && !result.ok ? result.reason : 'no diagnosis'),
        execution,
      });
    }
  }
  return out;
}
