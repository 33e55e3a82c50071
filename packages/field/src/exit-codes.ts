// One definition for every ECM program (packages/core/src/cli/cli-support.ts), from the library's light part.
export { CliError, EXIT, type ExitCode } from '@ecm/core/cli-kit';
