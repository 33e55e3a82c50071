import { errorText } from '@ecm/core/text';
import type { EcmConfig } from '@ecm/core/domain';
import type { StateDb } from '@ecm/core/stores';
import { RunStore, type PhaseHistory } from '../../phases/run-store.js';
import { timed, type Check } from './check.js';
import { llmBudget, type BudgetToday } from './llm-check.js';
import { lastQuarantined, missedRuns } from './run-history.js';
import { checkSheet, SheetsTicketStore } from '@ecm/core/sheets';
import { openTicketStore, openStateDb, acquireFileLock, describeHolder, isEmbedded, RunLockedError } from '@ecm/core/stores';

/** What health reads from the state store besides its checks. */
export interface StateReadings {
  history: PhaseHistory[];
  missed: string[];
  budget: BudgetToday | null;
  quarantined: { count: number; run_key: string } | null;
}

/** The ticket store (and the sheet behind it): someone active to assign to. */
async function ticketChecks(state: StateDb, checks: Check[]): Promise<void> {
  const tickets = await openTicketStore(state);
  if (tickets.kind === 'sheets') {
    if (tickets instanceof SheetsTicketStore) {
      const sheet = await checkSheet(tickets);
      checks.push({ name: 'sheet', level: sheet.ok ? 'ok' : 'down', detail: sheet.detail });
    }
  }
  const agents = await tickets.listAgents();
  const active = agents.filter((a) => a.active).length;
  checks.push({
    name: 'ticket store',
    level: active > 0 ? 'ok' : 'degraded',
    detail: `${tickets.label}: ${active} active agents${active ? '' : ' (nothing can be assigned)'}`,
  });
}

/** Fills `into` one reading at a time: what was read before a failure is still shown. */
async function readState(config: EcmConfig, state: StateDb, now: Date, into: StateReadings): Promise<void> {
  const runs = new RunStore(state);
  into.history = await runs.phaseHistory();
  into.missed = await missedRuns(config, runs, now);
  into.budget = await llmBudget(state, config, now);
  into.quarantined = await lastQuarantined(runs);
}

/**
 * The state store, the ticket store, and what they say about recent runs. With the embedded store, a
 * running job holds the lock file: the store is then "busy", which is healthy.
 */
export async function checkState(config: EcmConfig, now: Date, active: boolean): Promise<{ checks: Check[]; readings: StateReadings }> {
  const checks: Check[] = [];
  const readings: StateReadings = { history: [], missed: [], budget: null, quarantined: null };
  let lock: { release(): Promise<void> } | null = null;
  try {
    if (isEmbedded('state')) lock = acquireFileLock(describeHolder(active ? 'test' : 'health'));
    const { value: state, ms } = await timed(() => openStateDb());
    try {
      if (active) await new RunStore(state).probe();
      checks.push({ name: 'state store', level: 'ok', detail: state.label, ms });
      await ticketChecks(state, checks);
      await readState(config, state, now, readings);
    } finally {
      await state.close();
    }
  } catch (err) {
    if (err instanceof RunLockedError) checks.push({ name: 'state store', level: 'ok', detail: `busy: ${err.holder}` });
    else checks.push({ name: 'state store', level: 'down', detail: errorText(err) });
  } finally {
    await lock?.release();
  }
  return { checks, readings };
}
