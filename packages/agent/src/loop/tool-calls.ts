import type { ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { maskedArguments, maskedPreview, type ToolCallDetail } from '../log/execution-detail.js';
import type { ToolCallRecord } from '../log/execution-log.js';
import type { AgentTool, ToolOutcome } from '../tools/agent-tool.js';
import { ECM, GEN_AI } from '../tracing/gen-ai.js';
import { inSpan, markError } from '../tracing/tracing.js';
import { canonicalJson, digest } from './canonical-json.js';
import { errorText } from '@ecm/core/text';

export interface ToolUse {
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

export interface ToolLimits {
  readonly maxResultChars: number;
  readonly timeoutMs: number;
}

/** A call refused before it runs: a message for the model. */
type Refusal = { readonly refused: string };

function checkArguments(tool: AgentTool, input: unknown): Record<string, unknown> | Refusal {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { refused: `bad arguments for ${tool.name}: expected a JSON object` };
  const args = input as Record<string, unknown>;
  const missing = (tool.inputSchema.required ?? []).filter((k) => args[k] === undefined || args[k] === null);
  if (missing.length) return { refused: `bad arguments for ${tool.name}: missing ${missing.join(', ')}` };
  if (tool.inputSchema.additionalProperties === false && tool.inputSchema.properties) {
    const unknown = Object.keys(args).filter((k) => !(k in tool.inputSchema.properties!));
    if (unknown.length)
      return {
        refused: `bad arguments for ${tool.name}: unknown ${unknown.join(', ')} (expected ${Object.keys(tool.inputSchema.properties).join(', ')})`,
      };
  }
  return args;
}

async function executeWithTimeout(
  tool: AgentTool,
  args: Record<string, unknown>,
  limits: ToolLimits,
  signal: AbortSignal | undefined,
): Promise<ToolOutcome> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ToolOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, error: `${tool.name} timed out after ${limits.timeoutMs} ms` });
    }, limits.timeoutMs);
  });
  try {
    return await Promise.race([tool.execute(args, { signal: controller.signal, timeoutMs: limits.timeoutMs }), timeout]);
  } catch (err) {
    return { ok: false, error: `${tool.name} failed: ${errorText(err)}` };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A call decided: refused (and why), or to run with its checked arguments. */
type PlannedCall = { readonly use: ToolUse; readonly argsDigest: string } & (
  | { readonly refused: string; readonly tool?: undefined; readonly args?: undefined }
  | { readonly refused?: undefined; readonly tool: AgentTool; readonly args: Record<string, unknown> }
);

/** Refuses an unknown tool, bad arguments or a repeat of an earlier identical call; remembers the rest as seen. */
function planCall(use: ToolUse, tools: ReadonlyMap<string, AgentTool>, seen: Map<string, number>, turn: number): PlannedCall {
  const key = `${use.name}:${canonicalJson(use.input)}`;
  const argsDigest = digest(key);
  const tool = tools.get(use.name);
  if (!tool)
    return { use, argsDigest, refused: `unknown tool "${use.name}". The tools you have are: ${[...tools.keys()].join(', ') || 'none'}` };
  const args = checkArguments(tool, use.input);
  if ('refused' in args) return { use, argsDigest, refused: args.refused as string };
  const earlier = seen.get(key);
  if (earlier !== undefined) {
    return {
      use,
      argsDigest,
      refused: `refused: you already called ${use.name} with these arguments on turn ${earlier}; use that result instead of repeating the call`,
    };
  }
  seen.set(key, turn);
  return { use, argsDigest, tool, args };
}

/** A result over the size limit becomes an error telling the model how to narrow the query. */
function capped(outcome: ToolOutcome, limits: ToolLimits): ToolOutcome {
  if (!outcome.ok || outcome.text.length <= limits.maxResultChars) return outcome;
  return {
    ok: false,
    error:
      `result too large: ${outcome.text.length} characters, the limit is ${limits.maxResultChars}. ` +
      'Narrow the query (filter by reason, currency or time, select fewer columns, add a LIMIT) and call again.',
  };
}

/** One execute_tool span per call, refusals included: the trace shows what the model asked for. */
function runCall(p: PlannedCall, turn: number, limits: ToolLimits, signal?: AbortSignal) {
  const attributes = {
    [GEN_AI.operation]: 'execute_tool',
    [GEN_AI.toolName]: p.use.name,
    [GEN_AI.toolCallId]: p.use.id,
    [GEN_AI.toolType]: 'function',
    [ECM.turn]: turn,
  };
  return inSpan(`execute_tool ${p.use.name}`, { attributes }, async (span) => {
    const started = performance.now();
    const outcome: ToolOutcome =
      p.refused !== undefined ? { ok: false, error: p.refused } : await executeWithTimeout(p.tool, p.args, limits, signal);
    const result = capped(outcome, limits);
    if (!result.ok) markError(span, result.error.slice(0, 300));
    return { p, outcome: result, rawText: outcome.ok ? outcome.text : '', ms: performance.now() - started };
  });
}

type CallRun = Awaited<ReturnType<typeof runCall>>;

const detailOf = ({ p, outcome, rawText, ms }: CallRun): ToolCallDetail => ({
  id: p.use.id,
  name: p.use.name,
  arguments: maskedArguments(p.use.input),
  ms: Math.round(ms),
  ok: outcome.ok,
  ...(outcome.ok ? {} : { error: outcome.error.slice(0, 300) }),
  result_chars: rawText.length,
  result_preview: outcome.ok ? maskedPreview(outcome.text) : '',
});

const resultOf = ({ p, outcome }: CallRun): ToolResultBlockParam =>
  outcome.ok
    ? { type: 'tool_result', tool_use_id: p.use.id, content: outcome.text }
    : { type: 'tool_result', tool_use_id: p.use.id, content: `Error: ${outcome.error}`, is_error: true };

const recordOf = ({ p, outcome, ms }: CallRun, turn: number): ToolCallRecord => ({
  name: p.use.name,
  args_digest: p.argsDigest,
  ms: Math.round(ms),
  ok: outcome.ok,
  turn,
  ...(outcome.ok ? {} : { error: outcome.error.slice(0, 300) }),
});

/**
 * Runs one assistant turn's tool calls: refusals (unknown tool, bad arguments, a repeat of an earlier
 * identical call) are decided first in order, then the rest run in parallel. Results come back in
 * the order of the calls, every failure as an error result the model can read.
 */
export async function runToolCalls(
  uses: readonly ToolUse[],
  tools: ReadonlyMap<string, AgentTool>,
  seen: Map<string, number>,
  turn: number,
  limits: ToolLimits,
  signal?: AbortSignal,
): Promise<{ results: ToolResultBlockParam[]; records: ToolCallRecord[]; details: ToolCallDetail[]; ms: number }> {
  const batchStarted = performance.now();
  const planned = uses.map((use) => planCall(use, tools, seen, turn));
  const runs = await Promise.all(planned.map((p) => runCall(p, turn, limits, signal)));
  return {
    results: runs.map(resultOf),
    records: runs.map((r) => recordOf(r, turn)),
    details: runs.map(detailOf),
    ms: performance.now() - batchStarted,
  };
}
