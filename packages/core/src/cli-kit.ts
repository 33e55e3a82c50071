// @ecm/core/cli-kit — what every ECM program shares as a command line: exit codes, errors as one line,
// notices, --as-of, the ECM_HOME directory. Light: loaded before any command is chosen.
export * from './cli/cli-support.js';
export * from './ecm-home.js';
export * from './cli/program-version.js';
export * from './cli/ecm-program.js';
export * from './cli/wait-settings.js';
