// Measurement for bench/llm-context.mjs, which imports this module from dist directly: it is not part
// of the library's API (the index does not export it), so the product never ships benchmark code paths.
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { estimateTokens } from '../budget/estimate.js';
import { costOf } from '../budget/pricing.js';
import type { LlmConfig } from '../config/llm-config.js';
import { insightsInput } from '../insights/generate-insights.js';
import { redactPii } from '../insights/redact-pii.js';
import type { Skill } from '../skills/skill.js';
import { buildSystemPrompt } from '../skills/system-prompt.js';
import { loadSkillTool } from '../tools/load-skill-tool.js';

export interface PhaseFacts {
  readonly phase: string;
  readonly skill: string;
  readonly facts: unknown;
}

/** A tool as MCP's tools/list describes it (name, description, inputSchema). */
export interface ListedTool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: unknown;
}

export interface PhaseContext {
  readonly phase: string;
  readonly skill: string;
  readonly bytes: { readonly system: number; readonly tools: number; readonly input: number; readonly total: number };
  readonly estimatedInputTokens: number;
  /** The system prompt and tools: what a second turn (or a rerun within 5 minutes) could read from cache. */
  readonly cacheablePrefixTokens: number;
  readonly cacheable: boolean;
  readonly toolsMeasured: readonly string[];
  readonly toolsNotMeasured: readonly string[];
  readonly estimatedCostUsd: number;
}

export interface LlmContextReport {
  readonly model: string;
  readonly outputTokensPerPhase: number;
  readonly phases: readonly PhaseContext[];
  readonly dailyRun: { readonly bytes: number; readonly estimatedInputTokens: number; readonly estimatedCostUsd: number };
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * What one single-turn insights call per phase sends to the model (system prompt, tool definitions,
 * the facts message), in bytes and estimated tokens, and what a daily run costs at `model`'s prices.
 */
export function measureLlmContext(args: {
  readonly phases: readonly PhaseFacts[];
  readonly skills: readonly Skill[];
  readonly guardrails: string;
  readonly llm: LlmConfig;
  readonly tools?: readonly ListedTool[];
  readonly model?: string;
  readonly outputTokensPerPhase?: number;
}): LlmContextReport {
  const model = args.model ?? 'claude-haiku-4-5';
  const outputTokens = args.outputTokensPerPhase ?? 300;
  const catalogue = args.skills.map((s) => ({ name: s.name, description: s.description }));
  const loadSkill = loadSkillTool({ list: () => catalogue, get: () => undefined });
  const phases = args.phases.map((p): PhaseContext => {
    const skill = args.skills.find((s) => s.name === p.skill);
    if (!skill) throw new Error(`phase ${p.phase}: no skill named "${p.skill}" (have: ${args.skills.map((s) => s.name).join(', ')})`);
    const system = buildSystemPrompt(args.guardrails, catalogue, skill)
      .map((b) => b.text)
      .join('');
    const listed = new Map((args.tools ?? []).map((t) => [t.name, t]));
    const tools: Tool[] = [
      { name: loadSkill.name, description: loadSkill.description, input_schema: loadSkill.inputSchema as Tool['input_schema'] },
    ];
    const notMeasured: string[] = [];
    for (const name of skill.allowedTools) {
      const t = listed.get(name);
      if (t) tools.push({ name: t.name, description: t.description ?? t.name, input_schema: t.inputSchema as Tool['input_schema'] });
      else notMeasured.push(name);
    }
    const toolsJson = JSON.stringify(tools);
    const input = insightsInput(p.phase, redactPii(p.facts));
    const total = bytes(system) + bytes(toolsJson) + bytes(input);
    const estimatedInputTokens = estimateTokens(system) + estimateTokens(toolsJson) + estimateTokens(input);
    const cacheablePrefixTokens = estimateTokens(system) + estimateTokens(toolsJson);
    return {
      phase: p.phase,
      skill: p.skill,
      bytes: { system: bytes(system), tools: bytes(toolsJson), input: bytes(input), total },
      estimatedInputTokens,
      cacheablePrefixTokens,
      cacheable: cacheablePrefixTokens >= (args.llm.models[model]?.min_cacheable_tokens ?? Infinity),
      toolsMeasured: tools.map((t) => t.name),
      toolsNotMeasured: notMeasured,
      estimatedCostUsd: costOf(args.llm, model, { input: estimatedInputTokens, output: outputTokens, cacheWrite: 0, cacheRead: 0 }),
    };
  });
  return {
    model,
    outputTokensPerPhase: outputTokens,
    phases,
    dailyRun: {
      bytes: phases.reduce((s, p) => s + p.bytes.total, 0),
      estimatedInputTokens: phases.reduce((s, p) => s + p.estimatedInputTokens, 0),
      estimatedCostUsd: phases.reduce((s, p) => s + p.estimatedCostUsd, 0),
    },
  };
}
