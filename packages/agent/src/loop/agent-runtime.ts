import type { TokenUsage } from '../budget/pricing.js';
import { readCredentials } from '../config/credentials.js';
import type { LlmConfig } from '../config/llm-config.js';
import type { SqlQueryable } from '../db/sql.js';
import type { ToolCallRecord } from '../log/execution-log.js';
import type { Outcome } from '../log/schema.js';
import type { Skill } from '../skills/skill.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { loadSkillTool } from '../tools/load-skill-tool.js';
import type { McpToolClient } from '../tools/mcp-tool.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { anthropicModelClient, type ModelClient } from './model-client.js';
import { runSkill, spentToday } from './skill-execution.js';

export interface AgentRuntimeOptions {
  /** The domain whose daily budget is charged, e.g. `ecm`. */
  readonly domain: string;
  readonly llm: LlmConfig;
  readonly skills: readonly Skill[];
  /** Goes first into every system prompt. */
  readonly guardrails: string;
  /** The state database: execution log, daily spend, proposals. */
  readonly db: SqlQueryable;
  /**
   * The gateway's MCP client. A skill is offered `load_skill` and those of its allowed tools the
   * server marks read-only (`readOnlyHint: true`); nothing else, so no skill can write.
   */
  readonly mcp?: McpToolClient | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Replaces the Anthropic client built from the environment. */
  readonly modelClient?: ModelClient;
}

/** Post-processing of the model's answer (number verifier, output schema) before it is logged. */
export type Finish = (
  text: string,
  context: { readonly toolTexts: readonly string[] },
) => { readonly output: unknown; readonly outcome?: 'verifier_dropped' | 'error'; readonly detail?: string };

export interface SkillRequest {
  readonly skill: string;
  /** The user message: the task and its facts. */
  readonly input: string;
  /** What the log keeps of the input (default: its first 500 characters). */
  readonly inputSummary?: string;
  /** What the execution is about, e.g. a cluster signature, for once-per-day checks. */
  readonly subject?: string;
  /** Used when no trace is active (otherwise the active trace's id is logged). */
  readonly traceId?: string;
  readonly routing?: { readonly from: string; readonly to: string };
  readonly finish?: Finish;
  readonly signal?: AbortSignal;
}

export interface SkillExecution {
  readonly id: string;
  readonly traceId: string;
  readonly domain: string;
  readonly skill: string;
  readonly role: string;
  readonly model: string;
  readonly outcome: Outcome;
  /** Why, for every outcome but success. */
  readonly detail: string | null;
  /** The model's final answer. */
  readonly text: string | null;
  /** The answer after `finish` (the text itself without one). */
  readonly output: unknown;
  readonly turns: number;
  readonly toolCalls: readonly ToolCallRecord[];
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly latencyMs: number;
  /** The part of the latency spent waiting for the model (retries included) and running tools. */
  readonly modelMs: number;
  readonly toolsMs: number;
  readonly offeredTools: readonly string[];
  readonly withheldTools: readonly { readonly name: string; readonly why: string }[];
  readonly notes: readonly string[];
  /** False when nothing ran (no credentials) or the log write failed (see notes). */
  readonly recorded: boolean;
}

export interface AgentRuntime {
  readonly domain: string;
  readonly llm: LlmConfig;
  readonly db: SqlQueryable;
  readonly skills: ReadonlyMap<string, Skill>;
  readonly breaker: CircuitBreaker;
  readonly now: () => Date;
  /** Null when the model can be called; otherwise why not (e.g. "no ANTHROPIC_API_KEY set"). */
  readonly unavailable: string | null;
  runSkill(request: SkillRequest): Promise<SkillExecution>;
  /** Dollars the domain spent today (budget time zone), including executions not yet logged. */
  spentToday(): Promise<number>;
}

/** What one runtime holds across its executions: configuration, the client, and the caches it fills. */
export interface RuntimeState {
  readonly opts: AgentRuntimeOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly skills: ReadonlyMap<string, Skill>;
  readonly catalogue: readonly { name: string; description: string }[];
  readonly breaker: CircuitBreaker;
  readonly client: ModelClient | null;
  readonly unavailable: string | null;
  readonly loadSkill: AgentTool;
  /** Cost of calls whose execution is not in the log yet (the run in progress, parallel runs). */
  unlogged: number;
  schemaReady: Promise<void> | undefined;
  mcpTools: Promise<AgentTool[]> | undefined;
}

function runtimeState(opts: AgentRuntimeOptions): RuntimeState {
  const env = opts.env ?? process.env;
  const skills = new Map(opts.skills.map((s) => [s.name, s]));
  const catalogue = opts.skills.map((s) => ({ name: s.name, description: s.description }));
  const credentials = readCredentials(env);
  const client: ModelClient | null = opts.modelClient ?? (credentials.ok ? anthropicModelClient(credentials) : null);
  return {
    opts,
    env,
    now: opts.now ?? (() => new Date()),
    sleep: opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    skills,
    catalogue,
    breaker: new CircuitBreaker(opts.llm.calls.circuit_breaker_failures),
    client,
    unavailable: client ? null : credentials.ok ? 'no model client' : credentials.reason,
    loadSkill: loadSkillTool({ list: () => catalogue, get: (name) => skills.get(name) }),
    unlogged: 0,
    schemaReady: undefined,
    mcpTools: undefined,
  };
}

export function createAgentRuntime(opts: AgentRuntimeOptions): AgentRuntime {
  const rt = runtimeState(opts);
  return {
    domain: opts.domain,
    llm: opts.llm,
    db: opts.db,
    skills: rt.skills,
    breaker: rt.breaker,
    now: rt.now,
    unavailable: rt.unavailable,
    runSkill: (request) => runSkill(rt, request),
    spentToday: () => spentToday(rt),
  };
}
