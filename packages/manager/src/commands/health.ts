import { loadValidConfig } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { Check } from './health/check.js';
import { healthStatus, masked, printJson, printText } from './health/health-report.js';
import { checkLlm } from './health/llm-check.js';
import { checkSlack } from './health/slack-check.js';
import { checkState } from './health/state-checks.js';
import { checkWarehouse } from './health/warehouse-check.js';

export type { Check } from './health/check.js';

/** The schedule: every scheduled job's latest slot ran. */
const scheduleCheck = (missed: readonly string[]): Check =>
  missed.length
    ? { name: 'schedule', level: 'degraded', detail: `missed: ${missed.join(', ')}` }
    : { name: 'schedule', level: 'ok', detail: 'no scheduled run missed' };

/** `health` (passive) and `test` (active): what on-call needs to know in one screen. */
export async function healthCommand(options: { json?: boolean; active?: boolean }): Promise<number> {
  const config = await loadValidConfig();
  const now = new Date();
  const active = Boolean(options.active);
  const checks: Check[] = [await checkWarehouse(config, now, active)];
  const state = await checkState(config, now, active);
  checks.push(...state.checks, await checkSlack());
  checks.push(await checkLlm(config, state.readings.budget, active), scheduleCheck(state.readings.missed));
  const status = healthStatus(checks);
  const shown = { status, now, ...(await masked(checks, state.readings)), readings: state.readings };
  if (options.json) printJson(shown);
  else printText(shown);
  return status === 'down' ? 2 : status === 'degraded' ? 1 : EXIT.ok;
}
