import type { AgentRuntime, SkillExecution } from '../loop/agent-runtime.js';
import { verifyInsights, type VerifiedInsights } from '../verify/verify-insights.js';
import { redactPii } from './redact-pii.js';

export const MIN_INSIGHTS = 3;
export const MAX_INSIGHTS = 5;

export type InsightsResult =
  | { readonly bullets: string[]; readonly dropped: VerifiedInsights['dropped']; readonly execution: SkillExecution }
  | { readonly unavailable: string; readonly execution?: SkillExecution };

const MARKER = /^\s*(?:[•\-*‣◦]|\d{1,2}[.)])\s+/;

/** The bullets of a model answer, without their markers. Unmarked lines count only when none is marked. */
export function parseBullets(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^```/.test(l));
  const marked = lines.filter((l) => MARKER.test(l));
  return (marked.length ? marked : lines).map((l) => l.replace(MARKER, '').trim()).filter(Boolean);
}

/** The user message of an insights execution: the task, then the (already masked) facts. */
export function insightsInput(phase: string, facts: unknown): string {
  return [
    `Phase: ${phase}. Write ${MIN_INSIGHTS}–${MAX_INSIGHTS} insight bullets as your skill describes, one per line, each starting with "• ".`,
    'Every figure you write must appear in these facts or in a tool result.',
    'Facts (JSON):',
    JSON.stringify(facts, null, 1),
  ].join('\n');
}

export interface InsightsRequest {
  /** The skill that writes the bullets, e.g. ecm-daily-flow. */
  readonly skill: string;
  /** The phase's facts; every figure in a bullet must come from them (or from a tool result). */
  readonly facts: unknown;
  readonly phase?: string;
  readonly traceId?: string;
}

/**
 * Runs a skill over a phase's facts and returns 3–5 verified bullets, or why there are none:
 * "no ANTHROPIC_API_KEY set", "daily LLM budget of $5.00 used", "LLM API failed: …".
 * A bullet with a figure the facts do not support never reaches the output; it is logged.
 */
export async function generateInsights(runtime: AgentRuntime, req: InsightsRequest): Promise<InsightsResult> {
  if (runtime.unavailable) return { unavailable: runtime.unavailable };
  const facts = redactPii(req.facts);
  const factsJson = JSON.stringify(facts, null, 1);
  const input = insightsInput(req.phase ?? 'report', facts);
  let verified: VerifiedInsights = { kept: [], dropped: [] };
  const execution = await runtime.runSkill({
    skill: req.skill,
    input,
    inputSummary: `${req.phase ?? 'report'} facts: ${factsJson.length} characters, keys ${Object.keys(
      facts && typeof facts === 'object' ? facts : {},
    )
      .slice(0, 20)
      .join(', ')}`,
    ...(req.traceId ? { traceId: req.traceId } : {}),
    finish: (text, { toolTexts }) => {
      verified = verifyInsights(parseBullets(text), [facts, ...toolTexts]);
      const output = { bullets: verified.kept.slice(0, MAX_INSIGHTS), dropped: verified.dropped };
      if (!verified.dropped.length) return { output };
      return {
        output,
        outcome: 'verifier_dropped',
        detail: `verifier dropped ${verified.dropped.length} bullet(s) with unsupported figures: ${verified.dropped.map((d) => d.numbers.join(', ')).join('; ')}`,
      };
    },
  });
  if (execution.outcome === 'error' || execution.outcome === 'budget_skipped')
    return { unavailable: execution.detail ?? execution.outcome, execution };
  const bullets = verified.kept.slice(0, MAX_INSIGHTS);
  if (bullets.length === 0) {
    const why = verified.dropped.length
      ? `no insight survived the number check (${verified.dropped.length} dropped)`
      : (execution.detail ?? 'the model wrote no bullets');
    return { unavailable: why, execution };
  }
  return { bullets, dropped: verified.dropped, execution };
}
