import path from 'node:path';
import type { EcmConfig, TicketStore, TriageResult } from '@ecm/core/domain';
import type { SlackMessage } from '@ecm/core/slack';
import type { StateDb } from '@ecm/core/stores';
import type { Warehouse } from '@ecm/core/warehouse';
import type { ChainCluster } from '@ecm/agent';
import type { DAILY_PHASES, PhaseName } from './phase.js';
import { context, md, section, formatPercent, trustedMrkdwn } from '@ecm/core/slack';
import { maskSecrets, oneLine, llmLinesAsMrkdwn } from '@ecm/core/text';
import { errorText } from '@ecm/core/text';

/** The phases with analyst insights (the SLA watch has none: it is alerts, not a report). */
export type AnalysedPhase = (typeof DAILY_PHASES)[number];

type Reply = SlackMessage['thread'][number];

/** The LLM's part of a run: analyst insights per phase and specialist diagnoses; never a number of its own. */
export interface Analyst {
  insights(phase: AnalysedPhase, facts: object): Promise<Reply>;
  /** With the run's triage result, the whole configured chain runs (diagnosis, then a fix proposal). */
  diagnose(clusters: readonly RoutedCluster[], triage?: TriageResult): Promise<Reply[]>;
  /** Pushes the run's skill metrics (when PUSHGATEWAY_URL is set); a failed push never fails the run. */
  pushMetrics(phase: PhaseName): Promise<void>;
  /**
   * A broken LLM configuration (a SKILL.md, llm.yaml, the guardrails): the reports still go out,
   * saying "insights unavailable", and the run posts the error alert with this text. Null when sound.
   */
  readonly problem: string | null;
  close(): Promise<void>;
}

/** A pattern cluster as the specialist chain sees it, with what the report adds. */
export interface RoutedCluster extends ChainCluster {
  readonly avg_hours: number;
  readonly sample_order_ids: readonly string[];
}

const SKILL_OF: Record<AnalysedPhase, string> = {
  backlog: 'ecm-daily-flow',
  triage: 'triage-and-assign',
  patterns: 'pattern-intelligence',
};
const PROMPT_LIST_LIMIT = 10;

/** Facts for a prompt: aggregates as they are, long lists cut to their first ten (so prompts do not grow with the warehouse). */
export function promptFacts(facts: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(facts)) {
    if (Array.isArray(value) && value.length > PROMPT_LIST_LIMIT) {
      out[key] = value.slice(0, PROMPT_LIST_LIMIT);
      out[`${key}_total`] = value.length;
    } else out[key] = value;
  }
  return out;
}

const MAX_REASON_CHARS = 300;

async function unavailableLine(reason: string): Promise<Reply> {
  // The reason may quote an API error or a connection string: one line, no password, and md escapes it.
  const safe = oneLine(maskSecrets(reason));
  const shown = safe.length > MAX_REASON_CHARS ? `${safe.slice(0, MAX_REASON_CHARS - 1)}…` : safe;
  return { text: `Analyst insights unavailable: ${shown}`, blocks: [context(md`_Analyst insights unavailable: ${shown}_`)] };
}

/**
 * An LLM answer is data, not markup (core/text/llm-text.ts): every line escaped so it cannot
 * mention, broadcast or link, lines with a customer's e-mail or phone dropped, long lines cut. The
 * report is posted whatever the model wrote; at worst a line is missing.
 */
async function safeLines(lines: readonly string[], max?: number): Promise<{ lines: string[]; dropped: number }> {
  return llmLinesAsMrkdwn(lines, max);
}

const DROPPED_NOTE = (n: number) =>
  n ? `\n_${n} line${n === 1 ? '' : 's'} left out: ${n === 1 ? 'it names' : 'they name'} a customer's contact details._` : '';
const WITHHELD = "_(left out: it named a customer's contact details)_";

/**
 * Pushes the execution log's metrics when PUSHGATEWAY_URL is set (they hold earlier runs' executions
 * even when this one has no model). The domain's work is not here: run-gauges.ts pushes it with every
 * run. Never throws: monitoring must not fail the run.
 */
function metricsPusher(state: StateDb, sharedDir: string) {
  return {
    async push(phase: PhaseName): Promise<void> {
      if (!process.env.PUSHGATEWAY_URL?.trim()) return;
      try {
        const agent = await import('@ecm/agent');
        const llm = agent.loadLlmConfig(sharedDir);
        const metrics = new agent.AgentMetrics();
        await agent.ensureAgentSchema(state);
        await metrics.refreshFromLog(state, {
          now: new Date(),
          timeZone: llm.budget.time_zone,
          budgets: { [agent.managerDomainName(sharedDir)]: llm.budget.daily_usd_per_domain },
        });
        await agent.pushMetrics(metrics, { job: 'ecm-manager', phase, domain: agent.managerDomainName(sharedDir) });
      } catch {
        // no log or no config: nothing to push
      }
    },
  };
}

/** An analyst that only says why there is no LLM (no key, dry run, a broken skill file). */
function withoutModel(reason: string, pusher: ReturnType<typeof metricsPusher> | null, problem: string | null = null): Analyst {
  return {
    problem,
    insights: () => unavailableLine(reason),
    diagnose: async (clusters) =>
      clusters.length ? [await unavailableLine(`${clusters.length} cluster(s) qualify for specialist diagnosis, but ${reason}`)] : [],
    pushMetrics: async (phase) => pusher?.push(phase),
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

type AgentModule = typeof import('@ecm/agent');
type Loaded = { llm: ReturnType<AgentModule['loadLlmConfig']>; skills: ReturnType<AgentModule['loadSkills']>; guardrails: string };

/** The LLM configuration, or (never a lost report) why it is broken, short for the reports and whole for the alert. */
function loadLlmSetup(
  agent: AgentModule,
  sharedDir: string,
): { ok: true; loaded: Loaded } | { ok: false; reason: string; problem: string } {
  try {
    return {
      ok: true,
      loaded: {
        llm: agent.loadLlmConfig(sharedDir),
        skills: agent.loadSkills(path.join(sharedDir, agent.SKILLS_DIR)),
        guardrails: agent.loadGuardrails(sharedDir),
      },
    };
  } catch (err) {
    const detail = errorText(err);
    const first = detail
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const short = first.length > 1 && /could not be loaded/.test(first[0]!) ? first[1]! : (first[0] ?? detail);
    return {
      ok: false,
      reason: `the LLM configuration is broken (${short})`,
      problem: `LLM configuration broken, reports went out without insights: ${first.join(' ')}`,
    };
  }
}

/** The gateway in-process; without it the skills still run on the phase's facts alone. */
async function gatewayOrNull(agent: AgentModule, options: AnalystOptions) {
  const { connectInProcess } = await import('@ecm/gateway');
  try {
    return await agent.connectGateway({
      connectInProcess: () =>
        connectInProcess({ config: options.config, warehouse: options.warehouse, tickets: options.tickets, asOf: () => options.asOf }),
    });
  } catch {
    return null;
  }
}

type Runtime = ReturnType<AgentModule['createAgentRuntime']>;
type DiagnosisResult = Awaited<ReturnType<AgentModule['diagnoseClusters']>>[number];

/** One specialist diagnosis as a thread reply: root cause and fix as safe lines, evidence in a context block. */
async function diagnosisReply(
  cluster: Pick<RoutedCluster, 'pattern_id' | 'critical_count'>,
  d: Extract<DiagnosisResult, { status: 'diagnosed' }>['diagnosis'],
): Promise<Reply> {
  const confidence = typeof d.confidence === 'number' ? formatPercent(d.confidence) : d.confidence;
  const [rootCause, fix] = await Promise.all([safeLines([d.root_cause]), safeLines([d.recommended_fix])]);
  // Evidence goes in a context block: shorter lines keep it well inside Slack's element limit.
  const evidence = await safeLines(d.evidence.slice(0, 5), 300);
  const line = (safe: { lines: string[]; dropped: number }) => trustedMrkdwn(safe.lines[0] ?? (safe.dropped ? WITHHELD : '—'));
  return {
    text: `Diagnosis of ${cluster.pattern_id}`,
    blocks: [
      section(
        md`*Specialist diagnosis — ${cluster.pattern_id}* (${cluster.critical_count} critical, confidence ${String(confidence)})\n*Root cause:* ${line(rootCause)}\n*Fix:* ${line(fix)}`,
      ),
      ...(evidence.lines.length ? [context(evidence.lines.map((e) => `• ${e}`).join('\n'))] : []),
    ],
  };
}

async function insightsReply(agent: AgentModule, runtime: Runtime, phase: AnalysedPhase, facts: object): Promise<Reply> {
  const result = await agent.generateInsights(runtime, { skill: SKILL_OF[phase], facts: promptFacts(facts), phase });
  if ('unavailable' in result) return unavailableLine(result.unavailable);
  const safe = await safeLines(result.bullets);
  if (safe.lines.length === 0) return unavailableLine(`every insight named a customer's contact details (${safe.dropped} left out)`);
  return {
    text: 'Analyst insights',
    blocks: [section(`*Analyst insights*\n${safe.lines.map((b) => `• ${b}`).join('\n')}${DROPPED_NOTE(safe.dropped)}`)],
  };
}

/** With the run's triage result the whole configured chain runs; without it, diagnosis alone. */
async function diagnoseReplies(
  agent: AgentModule,
  runtime: Runtime,
  config: EcmConfig,
  clusters: readonly RoutedCluster[],
  triage?: TriageResult,
): Promise<Reply[]> {
  if (triage) {
    const { runSpecialistChain } = await import('./specialist-chain.js');
    return runSpecialistChain(runtime, config, clusters, triage, unavailableLine);
  }
  const results = await agent.diagnoseClusters(
    runtime,
    clusters.map((c) => ({ ...c, signature_text: c.signature })),
  );
  const replies: Reply[] = [];
  for (const r of results) {
    if (r.status === 'diagnosed') replies.push(await diagnosisReply(r.cluster, r.diagnosis));
    else if (r.status === 'failed') replies.push(await unavailableLine(`diagnosis of ${r.cluster.pattern_id}: ${r.reason}`));
  }
  return replies;
}

/**
 * The analyst for this run. Without credentials or in a dry run nothing heavy is loaded; otherwise one
 * agent runtime per run (its circuit breaker is per run) with the gateway's tools in-process.
 */
export async function openAnalyst(options: AnalystOptions): Promise<Analyst> {
  if (options.dryRun) return withoutModel('dry run', null);
  const pusher = metricsPusher(options.state, options.config.sharedDir);
  if (!process.env.ANTHROPIC_API_KEY?.trim() && !process.env.ANTHROPIC_AUTH_TOKEN?.trim())
    return withoutModel('no ANTHROPIC_API_KEY set', pusher);
  const agent = await import('@ecm/agent');
  const setup = loadLlmSetup(agent, options.config.sharedDir);
  if (!setup.ok) return withoutModel(setup.reason, pusher, setup.problem);
  const gateway = await gatewayOrNull(agent, options);
  await agent.ensureAgentSchema(options.state);
  const runtime = agent.createAgentRuntime({
    domain: agent.managerDomainName(options.config.sharedDir),
    llm: setup.loaded.llm,
    skills: setup.loaded.skills,
    guardrails: setup.loaded.guardrails,
    db: options.state,
    mcp: gateway ? agent.toolClientOf(gateway) : undefined,
  });
  // Executions take the trace id of the active run span (see run-phases.ts), one trace per run.
  return {
    problem: null,
    insights: (phase, facts) => insightsReply(agent, runtime, phase, facts),
    diagnose: (clusters, triage) => diagnoseReplies(agent, runtime, options.config, clusters, triage),
    pushMetrics: (phase) => pusher.push(phase),
    async close() {
      await gateway?.close().catch(() => undefined);
    },
  };
}
