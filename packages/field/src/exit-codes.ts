// One definition for every ECM program (packages/core/src/cli/cli-support.ts).
export { CliError, EXIT, type ExitCode } from '@ecm/core/cli-kit';
