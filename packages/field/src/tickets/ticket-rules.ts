import { CliError, EXIT } from '../exit-codes.js';
import { TicketRuleError } from '@ecm/core/domain';

/** A TicketRuleError from the store (it re-checks inside its transaction) as the CLI's error. */
export async function asCliError(err: unknown): Promise<unknown> {
  if (!(err instanceof TicketRuleError)) return err;
  const code = err.code === 'not_assignee' || err.code === 'unknown_agent' || err.code === 'inactive_agent' ? EXIT.notAllowed : EXIT.failed;
  return new CliError(err.message, code);
}
