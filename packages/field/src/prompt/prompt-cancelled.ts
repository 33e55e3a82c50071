import { CliError, EXIT } from '../exit-codes.js';

/** Ctrl-C or Ctrl-D at a question: nothing was written. */
export const promptCancelled = (): CliError => new CliError('cancelled; nothing was changed', EXIT.failed);
