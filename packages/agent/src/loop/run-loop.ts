import type { ContentBlockParam, MessageParam, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { addUsage, NO_USAGE, usageFromApi, type TokenUsage } from '../budget/pricing.js';
import type { TurnDetail } from '../log/execution-detail.js';
import type { ToolCallRecord } from '../log/execution-log.js';
import type { Outcome } from '../log/schema.js';
import { lastTurnNotice } from '../skills/system-prompt.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { ECM, GEN_AI, PROVIDER } from '../tracing/gen-ai.js';
import { inSpan, markError, SpanKind } from '../tracing/tracing.js';
import type { CallResult } from './call-model.js';
import type { ModelRequest, ModelResponse } from './model-client.js';
import { runToolCalls, type ToolLimits, type ToolUse } from './tool-calls.js';

/** Whether the next call may go ahead; `reason` says why not. */
export type SpendCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface LoopSpec {
  readonly model: string;
  readonly maxOutputTokens: number;
  readonly system: TextBlockParam[];
  readonly input: string;
  readonly tools: readonly AgentTool[];
  readonly maxTurns: number;
  readonly toolLimits: ToolLimits;
}

export interface LoopDeps {
  readonly call: (request: ModelRequest) => Promise<CallResult>;
  /** Asked before every call with the request about to be sent and what the run has spent so far. */
  readonly checkSpend: (request: ModelRequest, runCostUsd: number) => Promise<SpendCheck>;
  readonly costOf: (usage: TokenUsage) => number;
  readonly signal?: AbortSignal | undefined;
}

export interface LoopResult {
  readonly outcome: Extract<Outcome, 'success' | 'error' | 'budget_skipped' | 'max_turns'>;
  readonly detail: string | null;
  readonly text: string | null;
  readonly turns: number;
  readonly toolCalls: readonly ToolCallRecord[];
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly notes: readonly string[];
  /** Texts of the successful tool results: facts the answer may quote. */
  readonly toolTexts: readonly string[];
  /** Every assistant turn: its text (the reasoning between tool calls), tool calls, usage and timings. */
  readonly transcript: readonly TurnDetail[];
  /** Time spent waiting for the model (retries included) and running tools. */
  readonly modelMs: number;
  readonly toolsMs: number;
}

const toToolParam = (t: AgentTool): Tool => ({
  name: t.name,
  description: t.description,
  input_schema: t.inputSchema as Tool['input_schema'],
});

/** The assistant turn as it is sent back: text and tool calls only. */
function assistantContent(response: ModelResponse): ContentBlockParam[] {
  const out: ContentBlockParam[] = [];
  for (const block of response.content) {
    if (block.type === 'text') out.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use') out.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
  }
  return out;
}

/** What the loop accumulates across turns. */
interface LoopState {
  readonly messages: MessageParam[];
  readonly seen: Map<string, number>;
  readonly toolCalls: ToolCallRecord[];
  readonly notes: string[];
  readonly toolTexts: string[];
  readonly transcript: TurnDetail[];
  usage: TokenUsage;
  cost: number;
  modelMs: number;
  toolsMs: number;
}

const newState = (input: string): LoopState => ({
  messages: [{ role: 'user', content: [{ type: 'text', text: input }] }],
  seen: new Map(),
  toolCalls: [],
  notes: [],
  toolTexts: [],
  transcript: [],
  usage: NO_USAGE,
  cost: 0,
  modelMs: 0,
  toolsMs: 0,
});

const resultOf = (
  state: LoopState,
  outcome: LoopResult['outcome'],
  detail: string | null,
  text: string | null,
  turns: number,
): LoopResult => ({
  outcome,
  detail,
  text,
  turns,
  toolCalls: state.toolCalls,
  usage: state.usage,
  costUsd: state.cost,
  notes: state.notes,
  toolTexts: state.toolTexts,
  transcript: state.transcript,
  modelMs: state.modelMs,
  toolsMs: state.toolsMs,
});

/** The last allowed turn after the first: the pending user message says the tools are gone. */
function announceLastTurn(state: LoopState, spec: LoopSpec, turn: number): void {
  const pending = state.messages[state.messages.length - 1]!;
  (pending.content as ContentBlockParam[]).push({ type: 'text', text: lastTurnNotice(spec.maxTurns) });
  state.notes.push(`max turns (${spec.maxTurns}) reached: tools withdrawn on turn ${turn}`);
}

function requestFor(spec: LoopSpec, state: LoopState, toolParams: Tool[], lastTurn: boolean): ModelRequest {
  return {
    model: spec.model,
    max_tokens: spec.maxOutputTokens,
    system: spec.system,
    messages: state.messages,
    ...(toolParams.length ? { tools: toolParams, tool_choice: lastTurn ? { type: 'none' } : { type: 'auto' } } : {}),
  };
}

/** One model call in its `chat` span, priced when it answered. */
function tracedCall(spec: LoopSpec, deps: LoopDeps, request: ModelRequest, turn: number) {
  const attributes = {
    [GEN_AI.operation]: 'chat',
    [GEN_AI.system]: PROVIDER,
    [GEN_AI.provider]: PROVIDER,
    [GEN_AI.requestModel]: spec.model,
    [GEN_AI.requestMaxTokens]: spec.maxOutputTokens,
    [ECM.turn]: turn,
  };
  return inSpan(`chat ${spec.model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    const called = await deps.call(request);
    span.setAttribute(ECM.attempts, called.attempts);
    if (!called.ok) {
      markError(span, called.failure.message);
      return { called, callUsage: NO_USAGE, callCost: 0 };
    }
    const callUsage = usageFromApi(called.response.usage);
    const callCost = deps.costOf(callUsage);
    span.setAttributes({
      [GEN_AI.responseModel]: called.response.model,
      [GEN_AI.responseId]: called.response.id,
      [GEN_AI.finishReasons]: [called.response.stop_reason ?? 'unknown'],
      [GEN_AI.inputTokens]: callUsage.input + callUsage.cacheWrite + callUsage.cacheRead,
      [GEN_AI.outputTokens]: callUsage.output,
      [GEN_AI.cacheWriteTokens]: callUsage.cacheWrite,
      [GEN_AI.cacheReadTokens]: callUsage.cacheRead,
      [ECM.costUsd]: callCost,
    });
    return { called, callUsage, callCost };
  });
}

/** A turn that ends the loop: no tool calls, or the last turn (whose tool calls are not run). */
function finalAnswer(
  state: LoopState,
  spec: LoopSpec,
  response: ModelResponse,
  text: string,
  uses: readonly ToolUse[],
  turn: number,
  lastTurn: boolean,
): LoopResult {
  if (lastTurn && uses.length) state.notes.push(`turn ${turn}: ${uses.length} tool call(s) after the tools were withdrawn, not run`);
  const reachedLimit = lastTurn && turn > 1;
  if (reachedLimit) return resultOf(state, 'max_turns', `stopped at the limit of ${spec.maxTurns} turns`, text || null, turn);
  if (!text) return resultOf(state, 'error', `the model gave no answer (stop reason ${response.stop_reason})`, null, turn);
  return resultOf(state, 'success', null, text, turn);
}

/** The reply hit the output limit inside tool calls: arguments may be cut off mid-way, so none runs. */
function refuseCutOffCalls(state: LoopState, uses: readonly ToolUse[], turn: number): void {
  state.messages.push({
    role: 'user',
    content: uses.map((u) => ({
      type: 'tool_result',
      tool_use_id: u.id,
      content: 'Error: your reply hit the output limit, so these arguments may be incomplete; call again',
      is_error: true,
    })),
  });
  state.notes.push(`turn ${turn}: output limit hit inside tool calls, none run`);
}

async function runTurnTools(
  state: LoopState,
  spec: LoopSpec,
  deps: LoopDeps,
  tools: ReadonlyMap<string, AgentTool>,
  uses: ToolUse[],
  turn: number,
  turnDetail: Omit<TurnDetail, 'tool_calls' | 'tools_ms'>,
): Promise<void> {
  const ran = await runToolCalls(uses, tools as Map<string, AgentTool>, state.seen, turn, spec.toolLimits, deps.signal);
  state.toolsMs += ran.ms;
  state.transcript.push({ ...turnDetail, tool_calls: ran.details, tools_ms: Math.round(ran.ms) });
  state.toolCalls.push(...ran.records);
  for (const r of ran.records) if (!r.ok) state.notes.push(`turn ${turn}: ${r.name}: ${r.error}`);
  for (const r of ran.results) if (!r.is_error && typeof r.content === 'string') state.toolTexts.push(r.content);
  state.messages.push({ role: 'user', content: ran.results });
}

/**
 * The guarded tool-use loop: call the model, run the tools it asks for, repeat. On the last allowed
 * turn the tools are withdrawn (tool_choice none, and a notice) so the model must answer.
 */
export async function runLoop(spec: LoopSpec, deps: LoopDeps): Promise<LoopResult> {
  const tools = new Map(spec.tools.map((t) => [t.name, t]));
  const toolParams = spec.tools.map(toToolParam);
  const state = newState(spec.input);
  for (let turn = 1; turn <= spec.maxTurns; turn++) {
    const lastTurn = turn === spec.maxTurns;
    if (lastTurn && turn > 1) announceLastTurn(state, spec, turn);
    const request = requestFor(spec, state, toolParams, lastTurn);
    const spend = await deps.checkSpend(request, state.cost);
    if (!spend.ok) {
      state.notes.push(`skipped before turn ${turn}: ${spend.reason}`);
      return resultOf(state, 'budget_skipped', spend.reason, null, turn - 1);
    }
    const callStarted = performance.now();
    const { called, callUsage, callCost } = await tracedCall(spec, deps, request, turn);
    const callMs = performance.now() - callStarted;
    state.modelMs += callMs;
    if (!called.ok) {
      state.notes.push(`turn ${turn}: ${called.failure.message} after ${called.attempts} attempt(s)`);
      return resultOf(state, 'error', `LLM API failed: ${called.failure.message}`, null, turn);
    }
    const response = called.response;
    state.usage = addUsage(state.usage, callUsage);
    state.cost += callCost;

    const text = response.content
      .flatMap((b) => (b.type === 'text' ? [b.text] : []))
      .join('\n')
      .trim();
    const uses: ToolUse[] = response.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: b.input }] : []));
    const turnDetail = {
      turn,
      text: text || null,
      stop_reason: response.stop_reason,
      model: response.model,
      model_ms: Math.round(callMs),
      attempts: called.attempts,
      usage: callUsage,
      cost_usd: callCost,
    };
    if (response.stop_reason === 'refusal' || uses.length === 0 || lastTurn || response.stop_reason === 'max_tokens')
      state.transcript.push({ ...turnDetail, tool_calls: [], tools_ms: 0 });
    if (response.stop_reason === 'refusal') return resultOf(state, 'error', 'the model refused to answer', text || null, turn);
    if (uses.length === 0 || lastTurn) return finalAnswer(state, spec, response, text, uses, turn, lastTurn);

    state.messages.push({ role: 'assistant', content: assistantContent(response) });
    if (response.stop_reason === 'max_tokens') refuseCutOffCalls(state, uses, turn);
    else await runTurnTools(state, spec, deps, tools, uses, turn, turnDetail);
  }
  // Unreachable: the last turn always returns. Kept for the type checker.
  return resultOf(state, 'error', 'loop ended without an answer', null, spec.maxTurns);
}
