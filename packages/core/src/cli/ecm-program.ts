import { programVersion } from './program-version.js';

/** A commander program, as far as the shared set-up goes (commander stays the CLIs' dependency). */
interface ProgramSetUp<P> {
  name(): string;
  description(text: string): P;
  version(version: string, flags: string, description: string): P;
  showHelpAfterError(message: string): P;
  exitOverride(): P;
  addHelpText(position: 'after', text: string): P;
}

/**
 * What every ECM program's top level has: its description, `--version` from its package.json, a
 * pointer to --help after a usage error, and the help text after the options.
 */
export function ecmProgram<P extends ProgramSetUp<P>>(
  program: P,
  about: { readonly description: string; readonly packageJson: URL; readonly helpAfter: string },
): P {
  return (
    program
      .description(about.description)
      .version(programVersion(about.packageJson), '--version', 'print the version')
      .showHelpAfterError(`(run ${program.name()} --help for usage)`)
      // Usage errors become exit 3 (bad usage) instead of commander's process.exit(1); set before any
      // subcommand so they inherit it.
      .exitOverride()
      .addHelpText('after', about.helpAfter)
  );
}
