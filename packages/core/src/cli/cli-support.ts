import type { EcmConfig } from '../config/load-config.js';
import { errorText } from '../text/error-text.js';
import { maskSecrets } from '../text/mask-secrets.js';
import { stripControls } from '../text/terminal-text.js';

/**
 * Exit codes of every ECM program, documented in each `--help` and the README; cron, Kubernetes and
 * scripts act on them. Not every program uses every code.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  /** Some effect is pending (a post or write that the next run completes). */
  partial: 2,
  /** Bad configuration or usage: the message names the file, key or flag and what was expected. */
  config: 3,
  /** The LLM budget is exhausted and nothing else could be done. */
  budget: 4,
  /** Another run holds the lock. */
  locked: 5,
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

/** A thrown value as one line, passwords masked; some libraries (PGlite's file system) throw plain objects. */
export function describeError(err: unknown): string {
  return maskSecrets(errorText(err));
}

/** What a command prints for people goes to stderr; stdout is for the command's output. Notices quote data and errors: no password, no control character. */
export const notice = (line: string): void => {
  process.stderr.write(`${stripControls(maskSecrets(line))}\n`);
};

/** Loads and validates the whole configuration before anything runs; a bad file ends with exit 3. */
export async function loadValidConfig(): Promise<EcmConfig> {
  const { loadConfig } = await import('../config/load-config.js');
  const { ConfigError } = await import('../config/config-error.js');
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`bad configuration: ${err.message}`, EXIT.config);
    throw err;
  }
}

/** `--as-of`: an ISO time, else now to the minute (so a run's T is easy to repeat). */
export function parseAsOf(value: string | undefined): Date {
  if (!value) return new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new CliError(`--as-of "${value}" is not a time; use ISO 8601, e.g. 2026-02-17T01:30:00Z`, EXIT.config);
  return d;
}

/** A commander program, as far as running it goes (commander stays the CLIs' dependency). */
interface Program {
  parseAsync(argv: readonly string[]): Promise<unknown>;
}

/**
 * Runs a CLI and turns whatever ends it into an exit code and one line on stderr. The program must
 * call `exitOverride()` before adding subcommands, so usage errors arrive here (exit 3).
 */
export async function runCli(name: string, program: Program): Promise<void> {
  // `… | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // --help and --version end here with 0; usage errors with commander's message already printed.
      process.exitCode = (err as { exitCode?: number }).exitCode === 0 ? EXIT.ok : EXIT.config;
    } else if (err instanceof CliError) {
      process.stderr.write(`${name}: ${stripControls(maskSecrets(err.message))}\n`);
      process.exitCode = err.exitCode;
    } else {
      const prefix = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
      process.stderr.write(`${name}: ${prefix}${stripControls(describeError(err))}\n`);
      if (process.env.LOG_LEVEL === 'debug' && err instanceof Error) process.stderr.write(`${maskSecrets(String(err.stack))}\n`);
      process.exitCode = EXIT.failed;
    }
  }
}

/** A commander action that imports its command on first use and turns its result into the exit code. */
export function lazyAction<A extends unknown[]>(load: () => Promise<(...args: A) => Promise<number>>) {
  return async (...args: A): Promise<void> => {
    const run = await load();
    process.exitCode = await run(...args);
  };
}
