import { errorText } from '@ecm/core/text';
import { randomUUID } from 'node:crypto';
import { startOfDay } from '../budget/day-window.js';
import { worstCaseCallCost } from '../budget/estimate.js';
import { costOf, formatUsd, NO_USAGE } from '../budget/pricing.js';
import { chooseModel } from '../config/model-choice.js';
import { recordExecutionDetail } from '../log/execution-detail.js';
import { recordExecution, spentSince } from '../log/execution-log.js';
import { ensureAgentSchema, type Outcome } from '../log/schema.js';
import type { Skill } from '../skills/skill.js';
import { buildSystemPrompt } from '../skills/system-prompt.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { LOAD_SKILL } from '../tools/load-skill-tool.js';
import { listMcpTools } from '../tools/mcp-tool.js';
import { ECM, GEN_AI, PROVIDER } from '../tracing/gen-ai.js';
import { activeTraceIds, inSpan, markError, newTraceId } from '../tracing/tracing.js';
import type { RuntimeState, SkillExecution, SkillRequest } from './agent-runtime.js';
import { callModel } from './call-model.js';
import type { ModelClient } from './model-client.js';
import { runLoop, type LoopResult, type SpendCheck } from './run-loop.js';

const summarize = (text: string, max = 500) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The execution log's tables, created once per runtime (tried again after a failure). */
function ensureSchema(rt: RuntimeState): Promise<void> {
  return (rt.schemaReady ??= ensureAgentSchema(rt.opts.db).catch((err: unknown) => {
    rt.schemaReady = undefined; // try again on the next execution
    throw err;
  }));
}

/** Dollars the domain spent today (budget time zone), including executions not yet logged. */
export async function spentToday(rt: RuntimeState): Promise<number> {
  await ensureSchema(rt);
  return (await spentSince(rt.opts.db, rt.opts.domain, startOfDay(rt.now(), rt.opts.llm.budget.time_zone))) + rt.unlogged;
}

/** The gateway's tools by name, listed once per runtime; why they are missing when the gateway is not there. */
async function gatewayTools(rt: RuntimeState): Promise<{ available: Map<string, AgentTool>; missing: string }> {
  const available = new Map<string, AgentTool>();
  if (!rt.opts.mcp) return { available, missing: 'not provided by the gateway' };
  try {
    for (const t of await (rt.mcpTools ??= listMcpTools(rt.opts.mcp))) available.set(t.name, t);
    return { available, missing: 'not provided by the gateway' };
  } catch (err) {
    rt.mcpTools = undefined; // ask again next time
    return { available, missing: `gateway unavailable: ${errorText(err)}` };
  }
}

/** The skill's allowed tools that exist and only read; the rest are withheld and said so. */
async function toolsFor(rt: RuntimeState, skill: Skill) {
  const { available, missing } = await gatewayTools(rt);
  const offered: AgentTool[] = [rt.loadSkill];
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

function invokeAttributes(rt: RuntimeState, req: SkillRequest, skill: Skill, model: string, id: string) {
  return {
    [GEN_AI.operation]: 'invoke_agent',
    [GEN_AI.agentName]: skill.name,
    [GEN_AI.agentId]: id,
    [GEN_AI.system]: PROVIDER,
    [GEN_AI.provider]: PROVIDER,
    [GEN_AI.requestModel]: model,
    [ECM.domain]: rt.opts.domain,
    [ECM.skillRole]: skill.role,
    [ECM.executionId]: id,
    ...(req.subject ? { [ECM.subject]: req.subject } : {}),
    ...(req.routing ? { [ECM.routedFrom]: req.routing.from, [ECM.routedTo]: req.routing.to } : {}),
  };
}

const resultAttributes = (execution: SkillExecution) => ({
  [ECM.outcome]: execution.outcome,
  [ECM.costUsd]: execution.costUsd,
  [GEN_AI.inputTokens]: execution.usage.input + execution.usage.cacheWrite + execution.usage.cacheRead,
  [GEN_AI.outputTokens]: execution.usage.output,
  [ECM.modelMs]: Math.round(execution.modelMs),
  [ECM.toolsMs]: Math.round(execution.toolsMs),
});

/** One execution is one invoke_agent span; its model calls and tool calls are its children. */
export async function runSkill(rt: RuntimeState, req: SkillRequest): Promise<SkillExecution> {
  const skill = rt.skills.get(req.skill);
  if (!skill) throw new Error(`unknown skill "${req.skill}" (loaded: ${[...rt.skills.keys()].join(', ')})`);
  const model = chooseModel(rt.opts.llm, skill, rt.env);
  const id = randomUUID();
  return inSpan(`invoke_agent ${skill.name}`, { attributes: invokeAttributes(rt, req, skill, model, id) }, async (span) => {
    const execution = await execute(rt, req, skill, model, id);
    span.setAttributes(resultAttributes(execution));
    if (execution.outcome === 'error' || execution.outcome === 'budget_skipped') markError(span, execution.detail ?? execution.outcome);
    return execution;
  });
}

type ExecutionBase = Pick<SkillExecution, 'id' | 'traceId' | 'domain' | 'skill' | 'role' | 'model'>;

/** An execution that never called the model (no credentials, no log): an error, not recorded. */
const notRun = (base: ExecutionBase, detail: string, started: number): SkillExecution => ({
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

/** Before each model call: the per-execution cap, then the domain's daily budget against the call's worst case. */
function spendCheck(rt: RuntimeState, skill: Skill, model: string) {
  const daily = rt.opts.llm.budget.daily_usd_per_domain;
  return async (request: object, runCost: number): Promise<SpendCheck> => {
    if (rt.breaker.open) return { ok: true }; // the call itself reports the open breaker
    if (runCost >= skill.maxCostUsd) return { ok: false, reason: `per-execution cost cap of ${formatUsd(skill.maxCostUsd)} reached` };
    const estimate = worstCaseCallCost(rt.opts.llm, model, JSON.stringify(request), rt.opts.llm.defaults.max_output_tokens);
    let spent: number;
    try {
      spent = await spentToday(rt);
    } catch (err) {
      return { ok: false, reason: `daily LLM budget unknown (state database: ${errorText(err)})` };
    }
    if (spent + estimate > daily) return { ok: false, reason: `daily LLM budget of ${formatUsd(daily)} used` };
    return { ok: true };
  };
}

/** The tool-use loop for one execution; its cost is counted as unlogged until the log has it. */
async function loopFor(
  rt: RuntimeState,
  client: ModelClient,
  req: SkillRequest,
  skill: Skill,
  model: string,
  offered: readonly AgentTool[],
) {
  const { llm } = rt.opts;
  let runCost = 0;
  const loop = await runLoop(
    {
      model,
      maxOutputTokens: llm.defaults.max_output_tokens,
      system: buildSystemPrompt(rt.opts.guardrails, rt.catalogue, skill),
      input: req.input,
      tools: offered,
      maxTurns: skill.maxTurns,
      toolLimits: { maxResultChars: llm.tools.max_result_chars, timeoutMs: llm.tools.timeout_ms },
    },
    {
      call: (request) => callModel({ client, calls: llm.calls, breaker: rt.breaker, sleep: rt.sleep, signal: req.signal }, request),
      checkSpend: spendCheck(rt, skill, model),
      costOf: (usage) => {
        const c = costOf(llm, model, usage);
        runCost += c;
        rt.unlogged += c;
        return c;
      },
      signal: req.signal,
    },
  );
  return { loop, runCost };
}

/** The caller's post-processing (verifier, schema) of the answer: it may turn a success into a drop or an error. */
function finished(loop: LoopResult, req: SkillRequest, withheld: readonly { name: string; why: string }[]) {
  let outcome: Outcome = loop.outcome;
  let detail = loop.detail;
  let output: unknown = loop.text;
  const notes = [...loop.notes, ...withheld.map((w) => `tool ${w.name} withheld: ${w.why}`)];
  if (loop.text !== null && req.finish) {
    const done = req.finish(loop.text, { toolTexts: loop.toolTexts });
    output = done.output;
    if (done.outcome && (outcome === 'success' || done.outcome === 'error')) {
      outcome = done.outcome;
      detail = done.detail ?? detail;
    }
    if (done.detail) notes.push(done.detail);
  }
  return { outcome, detail, output, notes };
}

/** Writes the execution and its transcript to the log; a failed write is a note, never a lost answer. */
async function logExecution(
  rt: RuntimeState,
  req: SkillRequest,
  execution: SkillExecution,
  extra: { createdAt: Date; spanId: string | null; loop: LoopResult; runCost: number; notes: string[] },
): Promise<boolean> {
  const { createdAt, spanId, loop, runCost, notes } = extra;
  let recorded = false;
  try {
    await recordExecution(rt.opts.db, {
      ...execution,
      createdAt,
      subject: req.subject ?? null,
      inputSummary: req.inputSummary ?? summarize(req.input),
      outcomeDetail: execution.detail,
      notes,
      routing: req.routing ?? null,
    });
    rt.unlogged -= runCost;
    recorded = true;
    await recordExecutionDetail(rt.opts.db, {
      executionId: execution.id,
      spanId,
      input: req.input,
      turns: loop.transcript,
      modelMs: loop.modelMs,
      toolsMs: loop.toolsMs,
    });
  } catch (err) {
    notes.push(`execution log write failed: ${errorText(err)}`);
  }
  return recorded;
}

async function execute(rt: RuntimeState, req: SkillRequest, skill: Skill, model: string, id: string): Promise<SkillExecution> {
  const ids = activeTraceIds();
  const createdAt = rt.now();
  const started = performance.now();
  const base: ExecutionBase = {
    id,
    traceId: ids?.traceId ?? req.traceId ?? newTraceId(),
    domain: rt.opts.domain,
    skill: skill.name,
    role: skill.role,
    model,
  };
  if (!rt.client) return notRun(base, rt.unavailable!, started);
  try {
    await ensureSchema(rt);
  } catch (err) {
    // Without the log the daily budget cannot be checked: no model call.
    return notRun(base, `state database unavailable: ${errorText(err)}`, started);
  }
  const { offered, withheld } = await toolsFor(rt, skill);
  const { loop, runCost } = await loopFor(rt, rt.client, req, skill, model, offered);
  const { outcome, detail, output, notes } = finished(loop, req, withheld);
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
  const recorded = await logExecution(rt, req, execution, { createdAt, spanId: ids?.spanId ?? null, loop, runCost, notes });
  return { ...execution, recorded };
}
