import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../exit-codes.js';
import type { PhaseOutcome, PhaseStatus } from '../phases/run-deps.js';
import { exitOfRun, summaryLine, type RunReport } from './phase-exit.js';
import { thrownBy } from '../../../core/src/__fixtures__/thrown-by.js';

const outcome = (status: PhaseStatus, error?: string): PhaseOutcome => ({
  phase: 'triage',
  status,
  run_key: 'triage:slot',
  messages: [],
  facts: {},
  ms: 1200,
  ...(error ? { error } : {}),
});
const report = (statuses: PhaseStatus[], more: Partial<RunReport> = {}): RunReport => ({
  outcomes: statuses.map((s) => outcome(s)),
  earlierSlaProblems: [],
  analystFailed: false,
  ...more,
});

describe('exitOfRun: the one mapping from a run to its exit code', () => {
  it('exits 0 when every phase succeeded, was skipped or was a dry run', () => {
    expect(exitOfRun(report(['succeeded', 'skipped', 'dry_run'])).exitCode).toBe(EXIT.ok);
  });

  it('exits with the failure code when a phase failed, even next to a partial one, or when the analyst is broken', () => {
    expect(exitOfRun(report(['partial', 'failed'])).exitCode).toBe(EXIT.failed);
    expect(exitOfRun(report(['succeeded'], { analystFailed: true })).exitCode).toBe(EXIT.failed);
  });

  it('exits partial for a partly posted report or an earlier SLA run still unfinished', () => {
    expect(exitOfRun(report(['succeeded', 'partial'])).exitCode).toBe(EXIT.partial);
    expect(exitOfRun(report(['succeeded'], { earlierSlaProblems: ['sla:slot: Slack down'] })).exitCode).toBe(EXIT.partial);
  });

  it('turns a lost lock into a locked CliError carrying its message, whatever else happened', () => {
    const stopped = { kind: 'lock_lost' as const, runKey: 'triage:slot', message: 'another run has taken the lock since' };
    const thrown = thrownBy(CliError, () => exitOfRun(report(['succeeded'], { stopped })));
    expect(thrown.exitCode).toBe(EXIT.locked);
    expect(thrown.message).toBe(stopped.message);
  });

  it('says what to do next for a skipped phase and a failure', () => {
    expect(summaryLine(outcome('skipped'))).toContain('use --force to run it again');
    expect(summaryLine(outcome('failed', 'the warehouse is down'))).toBe('triage: FAILED — the warehouse is down');
  });
});
