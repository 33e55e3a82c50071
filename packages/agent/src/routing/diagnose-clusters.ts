import { startOfDay } from '../budget/day-window.js';
import { redactPii } from '../insights/redact-pii.js';
import { countSubjectExecutions } from '../log/execution-log.js';
import type { AgentRuntime, Finish, SkillExecution } from '../loop/agent-runtime.js';
import { ECM } from '../tracing/gen-ai.js';
import { inSpan } from '../tracing/tracing.js';
import { parseDiagnosis, type Diagnosis, type ParsedDiagnosis } from './diagnosis.js';
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
  // One cluster at a time: each execution is logged before the next cluster's once-per-day check reads the log.
  for (const { cluster, to } of routeClusters(clusters, rule)) {
    out.push(to ? await diagnoseRoutedCluster(runtime, cluster, { rule, to, since }, opts) : { cluster, status: 'not_routed' });
  }
  return out;
}

/** Where a routed cluster goes, and since when today's diagnoses count. */
interface Handoff {
  readonly rule: RoutingRule;
  readonly to: string;
  readonly since: Date;
}

async function diagnoseRoutedCluster<C extends RoutableCluster>(
  runtime: AgentRuntime,
  cluster: C,
  handoff: Handoff,
  opts: DiagnoseOptions<C>,
): Promise<ClusterDiagnosis<C>> {
  if (await diagnosedEnoughToday(runtime, cluster, handoff)) return { cluster, status: 'already_diagnosed_today' };
  if (runtime.unavailable) return { cluster, status: 'failed', reason: runtime.unavailable };
  const facts = redactPii(opts.factsOf ? opts.factsOf(cluster) : cluster);
  const { execution, parsed } = await askSpecialist(runtime, cluster, facts, handoff, opts.traceId);
  if (parsed?.ok && (execution.outcome === 'success' || execution.outcome === 'verifier_dropped' || execution.outcome === 'max_turns')) {
    return { cluster, status: 'diagnosed', diagnosis: parsed.diagnosis, execution };
  }
  return {
    cluster,
    status: 'failed',
    reason: execution.detail ?? (parsed && !parsed.ok ? parsed.reason : 'no diagnosis'),
    execution,
  };
}

/**
 * Whether the specialist has already looked at this signature as often as today allows. A log that
 * cannot be read counts as no diagnoses yet, so a log outage never silences a diagnosis.
 */
async function diagnosedEnoughToday(runtime: AgentRuntime, cluster: RoutableCluster, handoff: Handoff): Promise<boolean> {
  const done = await countSubjectExecutions(runtime.db, {
    domain: runtime.domain,
    skill: handoff.to,
    subject: cluster.signature_text,
    since: handoff.since,
  }).catch(() => 0);
  return done >= runtime.llm.routing.max_per_signature_per_day;
}

/** Runs the specialist inside a hand-off span and keeps the checked diagnosis its answer gave. */
async function askSpecialist(
  runtime: AgentRuntime,
  cluster: RoutableCluster,
  facts: unknown,
  { rule, to }: Handoff,
  traceId: string | undefined,
): Promise<{ execution: SkillExecution; parsed: ParsedDiagnosis | undefined }> {
  let parsed: ParsedDiagnosis | undefined;
  const attributes = {
    [ECM.routedFrom]: rule.from,
    [ECM.routedTo]: to,
    [ECM.subject]: cluster.signature_text,
    'ecm.cluster.critical_count': cluster.critical_count,
  };
  const execution = await inSpan(`handoff ${rule.from} → ${to}`, { attributes }, () =>
    runtime.runSkill({
      skill: to,
      input: diagnosisPrompt(cluster, facts),
      inputSummary: `cluster ${cluster.signature_text} (${cluster.critical_count} critical)`,
      subject: cluster.signature_text,
      routing: { from: rule.from, to },
      ...(traceId ? { traceId } : {}),
      finish: (text, { toolTexts }) => {
        parsed = parseDiagnosis(text, [facts, ...toolTexts]);
        return loggedDiagnosis(parsed);
      },
    }),
  );
  return { execution, parsed };
}

function diagnosisPrompt(cluster: RoutableCluster, facts: unknown): string {
  return [
    `Diagnose this cluster of stuck orders (${cluster.critical_count} critical). Answer with one JSON object:`,
    '{"root_cause": string, "evidence": [string, ...], "recommended_fix": string, "confidence": number between 0 and 1}',
    'Facts (JSON):',
    JSON.stringify(facts, null, 1),
  ].join('\n');
}

/**
 * What the log keeps of the answer: the diagnosis (flagged when the verifier dropped evidence, so
 * reviewers see it was trimmed) or the reason it was rejected.
 */
function loggedDiagnosis(parsed: ParsedDiagnosis): ReturnType<Finish> {
  if (!parsed.ok) {
    return { output: { rejected: parsed.reason }, outcome: parsed.verifier ? 'verifier_dropped' : 'error', detail: parsed.reason };
  }
  const dropped = parsed.droppedEvidence.length;
  return dropped
    ? {
        output: parsed.diagnosis,
        outcome: 'verifier_dropped',
        detail: `verifier dropped ${dropped} evidence item(s) with unsupported figures`,
      }
    : { output: parsed.diagnosis };
}
