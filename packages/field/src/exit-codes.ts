/** Exit codes, listed in `ecm-field --help`; scripts act on them. */
export const EXIT = {
  ok: 0,
  failed: 1,
  /** Bad configuration or usage: a missing flag, an unknown value, unreadable configuration. */
  config: 3,
  /** Not allowed: not the assignee, an unknown or inactive agent, a supervisor-only approval. */
  notAllowed: 6,
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
