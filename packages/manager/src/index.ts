export { EXIT, CliError } from './exit-codes.js';
