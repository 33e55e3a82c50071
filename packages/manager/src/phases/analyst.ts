import type { EcmConfig, SlackMessage, StateDb, TicketStore, TriageResult, Warehouse } from '@ecm/core';
import type { PhaseName } from './phase.js';

type Reply = SlackMessage['thread'][number];

/** The LLM's part of a run: analyst insights per phase and specialist diagnoses; never a number of its own. */
export interface Analyst {
  insights(phase: PhaseName, facts: Record<string, unknown>): Promise<Reply>;
  /** With the run's triage result, the whole configured chain runs (diagnosis, then a fix proposal). */
  diagnose(clusters: readonly RoutedCluster[], triage?: TriageResult): Promise<Reply[]>;
  /** Pushes the run's skill metrics (when PUSHGATEWAY_URL is set); a failed push never fails the run. */
  pushMetrics(phase: PhaseName): Promise<void>;
  close(): Promise<void>;
}

export interface RoutedCluster {
  readonly pattern_id: string;
  readonly signature: string;
  readonly stuck_reason: string;
  readonly order_count: number;
  readonly critical_count: number;
  readonly total_amount_aed: number;
  readonly avg_hours: number;
  readonly sample_order_ids: readonly string[];
}

const SKILL_OF: Record<PhaseName, string> = { backlog: 'ecm-daily-flow', triage: 'triage-and-assign', patterns: 'pattern-intelligence' };
const PROMPT_LIST_LIMIT = 10;

/** Facts for a prompt: aggregates as they are, long lists cut to their first ten (so prompts do not grow with the warehouse). */
export function promptFacts(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(facts)) {
    if (Array.isArray(value) && value.length > PROMPT_LIST_LIMIT) {
      out[key] = value.slice(0, PROMPT_LIST_LIMIT);
      out[`${key}_total`] = value.length;
    } else out[key] = value;
  }
  return out;
}

async function unavailableLine(reason: string): Promise<Reply> {
  const { context, md } = await import('@ecm/core');
  return { text: `Analyst insights unavailable: ${reason}`, blocks: [context(md`_Analyst insights unavailable: ${reason}_`)] };
}

/** An analyst that only says why there is no LLM (no key, dry run). */
function withoutModel(reason: string): Analyst {
  return {
    insights: () => unavailableLine(reason),
    diagnose: async (clusters) => (clusters.length ? [await unavailableLine(`${clusters.length} cluster(s) qualify for specialist diagnosis, but ${reason}`)] : []),
    pushMetrics: async () => undefined,
    close: async () => undefined,
  };
}

export interface AnalystOptions {
  readonly config: EcmConfig;
  readonly state: StateDb;
  readonly tickets: TicketStore;
  readonly warehouse: () => Promise<Warehouse>;
  readonly asOf: Date;
  readonly dryRun: boolean;
  readonly command: string;
}

/**
 * The analyst for this run. Without credentials or in a dry run nothing heavy is loaded; otherwise one
 * agent runtime per run (its circuit breaker is per run) with the gateway's tools in-process.
 */
export async function openAnalyst(options: AnalystOptions): Promise<Analyst> {
  if (options.dryRun) return withoutModel('dry run');
  if (!process.env.ANTHROPIC_API_KEY?.trim() && !process.env.ANTHROPIC_AUTH_TOKEN?.trim()) return withoutModel('no ANTHROPIC_API_KEY set');
  const agent = await import('@ecm/agent');
  const { connectInProcess } = await import('@ecm/gateway');
  const { context, md, section, formatPercent } = await import('@ecm/core');
  const sharedDir = options.config.sharedDir;
  let gateway: Awaited<ReturnType<typeof agent.connectGateway>> | null = null;
  try {
    gateway = await agent.connectGateway({
      connectInProcess: () => connectInProcess({ config: options.config, warehouse: options.warehouse, tickets: options.tickets, asOf: () => options.asOf }),
    });
  } catch {
    gateway = null; // the skills still run on the phase's facts alone
  }
  await agent.ensureAgentSchema(options.state);
  const metrics = new agent.AgentMetrics();
  const runtime = agent.createAgentRuntime({
    domain: 'ecm',
    llm: agent.loadLlmConfig(sharedDir),
    skills: agent.loadSkills(),
    guardrails: agent.loadGuardrails(sharedDir),
    db: options.state,
    mcp: gateway ? agent.toolClientOf(gateway) : undefined,
    metrics,
  });
  const traceId = `${options.command}@${options.asOf.toISOString()}`;
  return {
    async insights(phase, facts) {
      const result = await agent.generateInsights(runtime, { skill: SKILL_OF[phase], facts: promptFacts(facts), phase, traceId });
      if ('unavailable' in result) return unavailableLine(result.unavailable);
      return { text: 'Analyst insights', blocks: [section(`*Analyst insights*\n${result.bullets.map((b) => `• ${b}`).join('\n')}`)] };
    },
    async diagnose(clusters, triage) {
      if (triage) {
        const { runSpecialistChain } = await import('./specialist-chain.js');
        return runSpecialistChain(runtime, options.config, clusters, triage, traceId, unavailableLine);
      }
      const results = await agent.diagnoseClusters(runtime, clusters.map((c) => ({ ...c, signature_text: c.signature })), { traceId });
      const replies: Reply[] = [];
      for (const r of results) {
        if (r.status === 'diagnosed') {
          const d = r.diagnosis;
          const confidence = typeof d.confidence === 'number' ? formatPercent(d.confidence) : d.confidence;
          replies.push({
            text: `Diagnosis of ${r.cluster.pattern_id}`,
            blocks: [
              section(md`*Specialist diagnosis — ${r.cluster.pattern_id}* (${r.cluster.critical_count} critical, confidence ${confidence})\n*Root cause:* ${d.root_cause}\n*Fix:* ${d.recommended_fix}`),
              ...(d.evidence.length ? [context(d.evidence.slice(0, 5).map((e) => md`• ${e}`).join('\n'))] : []),
            ],
          });
        } else if (r.status === 'failed') replies.push(await unavailableLine(`diagnosis of ${r.cluster.pattern_id}: ${r.reason}`));
      }
      return replies;
    },
    async pushMetrics(phase) {
      await agent.pushMetrics(metrics, { job: 'ecm-manager', phase, domain: 'ecm' });
    },
    async close() {
      await gateway?.close().catch(() => undefined);
    },
  };
}
