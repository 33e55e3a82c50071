/** Exit codes, documented in the README; cron and Kubernetes act on them. */
export const EXIT = {
  ok: 0,
  failed: 1,
  /** Some effect is pending (a post or write that will be completed by the next run). */
  partial: 2,
  config: 3,
  budget: 4,
  locked: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that already knows how the process should end and what to tell the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
