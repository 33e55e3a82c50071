import { randomUUID } from 'node:crypto';
import { startOfDay } from '../budget/day-window.js';
import { worstCaseCallCost } from '../budget/estimate.js';
import { costOf, formatUsd, NO_USAGE, type TokenUsage } from '../budget/pricing.js';
import { readCredentials } from '../config/credentials.js';
import type { LlmConfig } from '../config/llm-config.js';
import { chooseModel } from '../config/model-choice.js';
import type { SqlQueryable } from '../db/sql.js';
import { recordExecutionDetail } from '../log/execution-detail.js';
import { recordExecution, spentSince, type ToolCallRecord } from '../log/execution-log.js';
import { ensureAgentSchema, type Outcome } from '../log/schema.js';
import type { Skill } from '../skills/skill.js';
import { buildSystemPrompt } from '../skills/system-prompt.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { loadSkillTool, LOAD_SKILL } from '../tools/load-skill-tool.js';
import { listMcpTools, type McpToolClient } from '../tools/mcp-tool.js';
import { ECM, GEN_AI, PROVIDER } from '../tracing/gen-ai.js';
import { activeTraceIds, inSpan, markError, newTraceId } from '../tracing/tracing.js';
import { callModel } from './call-model.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { anthropicModelClient, type ModelClient } from './model-client.js';
import { runLoop, type SpendCheck } from './run-loop.js';

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
export type Finish = (text: string, context: { readonly toolTexts: readonly string[] }) => { readonly output: unknown; readonly outcome?: 'verifier_dropped' | 'error'; readonly detail?: string };

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

const summarize = (text: string, max = 500) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function createAgentRuntime(opts: AgentRuntimeOptions): AgentRuntime {
  const env = opts.env ?? process.env;
  const now = opts.now ?? (() => new Date());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const skills = new Map(opts.skills.map((s) => [s.name, s]));
  const catalogue = opts.skills.map((s) => ({ name: s.name, description: s.description }));
  const breaker = new CircuitBreaker(opts.llm.calls.circuit_breaker_failures);
  const credentials = readCredentials(env);
  const client: ModelClient | null = opts.modelClient ?? (credentials.ok ? anthropicModelClient(credentials) : null);
  const unavailable = client ? null : credentials.ok ? 'no model client' : credentials.reason;
  const loadSkill = loadSkillTool({ list: () => catalogue, get: (name) => skills.get(name) });
  // Cost of calls whose execution is not in the log yet (the run in progress, parallel runs).
  let unlogged = 0;
  let schemaReady: Promise<void> | undefined;
  let mcpTools: Promise<AgentTool[]> | undefined;

  const ensureSchema = () =>
    (schemaReady ??= ensureAgentSchema(opts.db).catch((err: unknown) => {
      schemaReady = undefined; // try again on the next execution
      throw err;
    }));
  const spentToday = async () => {
    await ensureSchema();
    return (await spentSince(opts.db, opts.domain, startOfDay(now(), opts.llm.budget.time_zone))) + unlogged;
  };

  /** The skill's allowed tools that exist and only read; the rest are withheld and said so. */
  async function toolsFor(skill: Skill) {
    const available = new Map<string, AgentTool>();
    let missing = 'not provided by the gateway';
    if (opts.mcp) {
      try {
        for (const t of await (mcpTools ??= listMcpTools(opts.mcp))) available.set(t.name, t);
      } catch (err) {
        mcpTools = undefined; // ask again next time
        missing = `gateway unavailable: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    const offered: AgentTool[] = [loadSkill];
    const withheld: { name: string; why: string }[] = [];
    for (const name of skill.allowedTools) {
      if (name === LOAD_SKILL) continue;
      const tool = available.get(name);
      if (!tool) withheld.push({ name, why: missing });
      else if (!tool.readOnly) withheld.push({ name, why: 'not read-only: skills get no write path' });
      else offered.push(tool);
    }
    return { offered, withheld };
  }

  /** One execution is one invoke_agent span; its model calls and tool calls are its children. */
  async function runSkill(req: SkillRequest): Promise<SkillExecution> {
    const skill = skills.get(req.skill);
    if (!skill) throw new Error(`unknown skill "${req.skill}" (loaded: ${[...skills.keys()].join(', ')})`);
    const model = chooseModel(opts.llm, skill, env);
    const id = randomUUID();
    return inSpan(
      `invoke_agent ${skill.name}`,
      {
        attributes: {
          [GEN_AI.operation]: 'invoke_agent',
          [GEN_AI.agentName]: skill.name,
          [GEN_AI.agentId]: id,
          [GEN_AI.system]: PROVIDER,
          [GEN_AI.provider]: PROVIDER,
          [GEN_AI.requestModel]: model,
          [ECM.domain]: opts.domain,
          [ECM.skillRole]: skill.role,
          [ECM.executionId]: id,
          ...(req.subject ? { [ECM.subject]: req.subject } : {}),
          ...(req.routing ? { [ECM.routedFrom]: req.routing.from, [ECM.routedTo]: req.routing.to } : {}),
        },
      },
      async (span) => {
        const execution = await execute(req, skill, model, id);
        span.setAttributes({
          [ECM.outcome]: execution.outcome,
          [ECM.costUsd]: execution.costUsd,
          [GEN_AI.inputTokens]: execution.usage.input + execution.usage.cacheWrite + execution.usage.cacheRead,
          [GEN_AI.outputTokens]: execution.usage.output,
          [ECM.modelMs]: Math.round(execution.modelMs),
          [ECM.toolsMs]: Math.round(execution.toolsMs),
        });
        if (execution.outcome === 'error' || execution.outcome === 'budget_skipped') markError(span, execution.detail ?? execution.outcome);
        return execution;
      },
    );
  }

  async function execute(req: SkillRequest, skill: Skill, model: string, id: string): Promise<SkillExecution> {
    const ids = activeTraceIds();
    const traceId = ids?.traceId ?? req.traceId ?? newTraceId();
    const createdAt = now();
    const started = performance.now();
    const base = { id, traceId, domain: opts.domain, skill: skill.name, role: skill.role, model };

    const notRun = (detail: string): SkillExecution => ({
      ...base,
      outcome: 'error',
      detail,
      text: null,
      output: null,
      turns: 0,
      toolCalls: [],
      usage: NO_USAGE,
      costUsd: 0,
      latencyMs: performance.now() - started,
      modelMs: 0,
      toolsMs: 0,
      offeredTools: [],
      withheldTools: [],
      notes: [detail],
      recorded: false,
    });
    if (!client) return notRun(unavailable!);
    try {
      await ensureSchema();
    } catch (err) {
      // Without the log the daily budget cannot be checked: no model call.
      return notRun(`state database unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const { offered, withheld } = await toolsFor(skill);
    const daily = opts.llm.budget.daily_usd_per_domain;

    const checkSpend = async (request: object, runCost: number): Promise<SpendCheck> => {
      if (breaker.open) return { ok: true }; // the call itself reports the open breaker
      if (runCost >= skill.maxCostUsd) return { ok: false, reason: `per-execution cost cap of ${formatUsd(skill.maxCostUsd)} reached` };
      const estimate = worstCaseCallCost(opts.llm, model, JSON.stringify(request), opts.llm.defaults.max_output_tokens);
      let spent: number;
      try {
        spent = await spentToday();
      } catch (err) {
        return { ok: false, reason: `daily LLM budget unknown (state database: ${err instanceof Error ? err.message : String(err)})` };
      }
      if (spent + estimate > daily) return { ok: false, reason: `daily LLM budget of ${formatUsd(daily)} used` };
      return { ok: true };
    };

    let runCost = 0;
    const loop = await runLoop(
      {
        model,
        maxOutputTokens: opts.llm.defaults.max_output_tokens,
        system: buildSystemPrompt(opts.guardrails, catalogue, skill),
        input: req.input,
        tools: offered,
        maxTurns: skill.maxTurns,
        toolLimits: { maxResultChars: opts.llm.tools.max_result_chars, timeoutMs: opts.llm.tools.timeout_ms },
      },
      {
        call: (request) => callModel({ client, calls: opts.llm.calls, breaker, sleep, signal: req.signal }, request),
        checkSpend,
        costOf: (usage) => {
          const c = costOf(opts.llm, model, usage);
          runCost += c;
          unlogged += c;
          return c;
        },
        signal: req.signal,
      },
    );

    let outcome: Outcome = loop.outcome;
    let detail = loop.detail;
    let output: unknown = loop.text;
    const notes = [...loop.notes, ...withheld.map((w) => `tool ${w.name} withheld: ${w.why}`)];
    if (loop.text !== null && req.finish) {
      const finished = req.finish(loop.text, { toolTexts: loop.toolTexts });
      output = finished.output;
      if (finished.outcome && (outcome === 'success' || finished.outcome === 'error')) {
        outcome = finished.outcome;
        detail = finished.detail ?? detail;
      }
      if (finished.detail) notes.push(finished.detail);
    }

    const execution: SkillExecution = {
      ...base,
      outcome,
      detail,
      text: loop.text,
      output,
      turns: loop.turns,
      toolCalls: loop.toolCalls,
      usage: loop.usage,
      costUsd: loop.costUsd,
      latencyMs: performance.now() - started,
      modelMs: loop.modelMs,
      toolsMs: loop.toolsMs,
      offeredTools: offered.map((t) => t.name),
      withheldTools: withheld,
      notes,
      recorded: false,
    };
    let recorded = false;
    try {
      await recordExecution(opts.db, {
        ...execution,
        createdAt,
        subject: req.subject ?? null,
        inputSummary: req.inputSummary ?? summarize(req.input),
        outcomeDetail: detail,
        notes,
        routing: req.routing ?? null,
      });
      unlogged -= runCost;
      recorded = true;
      await recordExecutionDetail(opts.db, { executionId: id, spanId: ids?.spanId ?? null, input: req.input, turns: loop.transcript, modelMs: loop.modelMs, toolsMs: loop.toolsMs });
    } catch (err) {
      notes.push(`execution log write failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { ...execution, recorded };
  }

  return { domain: opts.domain, llm: opts.llm, db: opts.db, skills, breaker, now, unavailable, runSkill, spentToday };
}
