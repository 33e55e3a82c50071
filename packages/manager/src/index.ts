export { EXIT, CliError } from './exit-codes.js';
export { promptFacts } from './phases/analyst.js';
