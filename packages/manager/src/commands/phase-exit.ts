import { CliError, EXIT, type ExitCode } from '../exit-codes.js';
import type { PhaseFailure } from '../phases/phase-result.js';
import type { PhaseOutcome } from '../phases/run-deps.js';

/** What a run of phases ended with, as values: the outcomes, and what stopped or spoiled the run. */
export interface RunReport {
  readonly outcomes: PhaseOutcome[];
  /** Earlier SLA runs still unfinished after this run tried to finish them. */
  readonly earlierSlaProblems: readonly string[];
  /** The analyst's configuration is broken: the error alert was posted. */
  readonly analystFailed: boolean;
  /** A failure that stopped the run part-way (the run lock was lost). */
  readonly stopped?: PhaseFailure;
}

/**
 * The one place a run's failures become exit codes and terminal messages: a lost lock is exit 4
 * (nothing more was written or posted), a failed phase or analyst 1, a partly posted report or an
 * earlier run still unfinished 2, else 0.
 */
export function exitOfRun(report: RunReport): { outcomes: PhaseOutcome[]; exitCode: ExitCode } {
  if (report.stopped) throw new CliError(report.stopped.message, EXIT.locked);
  const { outcomes } = report;
  const exitCode: ExitCode =
    outcomes.some((o) => o.status === 'failed') || report.analystFailed
      ? EXIT.failed
      : outcomes.some((o) => o.status === 'partial') || report.earlierSlaProblems.length > 0
        ? EXIT.partial
        : EXIT.ok;
  return { outcomes, exitCode };
}

/** One line per phase on the terminal: what happened and what to do next. */
export function summaryLine(o: PhaseOutcome): string {
  const secs = (o.ms / 1000).toFixed(1);
  switch (o.status) {
    case 'succeeded':
      return `${o.phase}: done in ${secs} s (${o.run_key})`;
    case 'skipped':
      return `${o.phase}: skipped — ${o.error ?? `already done for this slot (${o.run_key}); use --force to run it again`}`;
    case 'dry_run':
      return `${o.phase}: dry run in ${secs} s — nothing written, nothing posted`;
    case 'partial':
      return `${o.phase}: partly done — ${o.error}`;
    case 'failed':
      return `${o.phase}: FAILED — ${o.error}`;
  }
}
