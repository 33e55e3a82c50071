import { errorText } from '@ecm/core/text';
import type { EcmConfig } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import type { Check } from './check.js';

export interface BudgetToday {
  readonly spent_usd: number;
  readonly budget_usd: number;
  readonly exhausted: boolean;
}

/** Today's LLM spend against the daily budget, the day as the budget counts it (llm.yaml budget.time_zone, IST by default). */
export async function llmBudget(state: StateDb, config: EcmConfig, now: Date): Promise<BudgetToday | null> {
  try {
    const { loadLlmConfig, llmBudgetToday, managerDomainName } = await import('@ecm/agent');
    return await llmBudgetToday(state, loadLlmConfig(config.sharedDir), managerDomainName(config.sharedDir), now);
  } catch {
    return null; // the agent runtime has not created its log yet
  }
}

/**
 * The LLM: not configured, or configured; its day's budget spent makes it degraded (reports go out
 * without insights until the day ends). `test` also makes one authenticated call, so a dead endpoint
 * or a refused key is found before the 07:00 run.
 */
export async function checkLlm(config: EcmConfig, budget: BudgetToday | null, active: boolean): Promise<Check> {
  const configured = process.env.ANTHROPIC_API_KEY?.trim() || process.env.ANTHROPIC_AUTH_TOKEN?.trim();
  if (!configured) return { name: 'llm', level: 'not_configured', detail: 'no ANTHROPIC_API_KEY: reports go out without analyst insights' };
  const via = process.env.ANTHROPIC_BASE_URL ? ` via ${process.env.ANTHROPIC_BASE_URL}` : '';
  const spend = budget ? `; $${budget.spent_usd.toFixed(4)} of the $${budget.budget_usd.toFixed(2)} daily budget spent` : '';
  if (budget?.exhausted) {
    return {
      name: 'llm',
      level: 'degraded',
      detail: `daily LLM budget of $${budget.budget_usd.toFixed(2)} spent ($${budget.spent_usd.toFixed(4)} today): reports go out without insights until the budget's day ends`,
    };
  }
  if (!active) return { name: 'llm', level: 'ok', detail: `configured${via}${spend}` };
  try {
    const { loadLlmConfig, probeLlm } = await import('@ecm/agent');
    const probe = await probeLlm(loadLlmConfig(config.sharedDir));
    if (!probe.ok) return { name: 'llm', level: 'down', detail: `a one-token call${via} failed: ${probe.reason}` };
    return { name: 'llm', level: 'ok', detail: `a one-token call to ${probe.model}${via} answered${spend}`, ms: probe.ms };
  } catch (err) {
    return { name: 'llm', level: 'down', detail: errorText(err) };
  }
}
