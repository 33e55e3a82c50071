import type { PhaseHistory } from '../../phases/run-store.js';
import type { Check, Level } from './check.js';
import type { StateReadings } from './state-checks.js';
import { maskSecrets, oneLine } from '@ecm/core/text';

export type HealthStatus = 'healthy' | 'degraded' | 'down';

/** Down when the warehouse or the state store is down (nothing can run); degraded when anything else is not right. */
export function healthStatus(checks: readonly Check[]): HealthStatus {
  const down = checks.some((c) => c.level === 'down' && (c.name === 'warehouse' || c.name === 'state store'));
  const degraded = checks.some((c) => c.level === 'down' || c.level === 'degraded');
  return down ? 'down' : degraded ? 'degraded' : 'healthy';
}

/** Details quote driver errors and connection labels: no password leaves this command, no control character reaches the terminal. */
export async function masked(
  checks: readonly Check[],
  readings: StateReadings,
): Promise<{ checks: Check[]; history: PhaseHistory[]; missed: string[] }> {
  const shown = (text: string) => oneLine(maskSecrets(text));
  return {
    checks: checks.map((c) => ({ ...c, detail: shown(c.detail) })),
    history: readings.history.map((h) => ({ ...h, last_error: h.last_error === null ? null : shown(h.last_error) })),
    missed: readings.missed.map(shown),
  };
}

interface Shown {
  readonly status: HealthStatus;
  readonly now: Date;
  readonly checks: readonly Check[];
  readonly history: readonly PhaseHistory[];
  readonly missed: readonly string[];
  readonly readings: StateReadings;
}

export function printJson(r: Shown): void {
  const { budget, quarantined } = r.readings;
  process.stdout.write(
    `${JSON.stringify({ status: r.status, checked_at: r.now.toISOString(), checks: r.checks, phases: r.history, missed_runs: r.missed, llm_spend_today_usd: budget?.spent_usd ?? null, llm_budget_usd: budget?.budget_usd ?? null, quarantined })}\n`,
  );
}

const MARK: Record<Level, string> = { ok: 'ok  ', degraded: 'WARN', down: 'DOWN', not_configured: '--  ' };

export function printText(r: Shown): void {
  const { budget, quarantined } = r.readings;
  for (const c of r.checks)
    process.stdout.write(`${MARK[c.level]} ${c.name.padEnd(12)} ${c.detail}${c.ms !== undefined ? ` [${c.ms} ms]` : ''}\n`);
  for (const h of r.history) {
    process.stdout.write(
      `     ${h.phase.padEnd(12)} last success ${h.last_success ?? 'never'}; last failure ${h.last_failure ?? 'never'}${h.last_error ? ` (${h.last_error.slice(0, 80)})` : ''}\n`,
    );
  }
  if (budget) process.stdout.write(`     LLM spend today: $${budget.spent_usd.toFixed(4)} of $${budget.budget_usd.toFixed(2)}\n`);
  if (quarantined) process.stdout.write(`     quarantined orders in the last backlog run: ${quarantined.count} (${quarantined.run_key})\n`);
  process.stdout.write(`${r.status}\n`);
}
