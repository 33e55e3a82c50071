import { parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { claimIdentity } from '../identity/agent-identity.js';
import { withSession } from '../session/field-session.js';
import { printJson, type AgentOptions } from './options.js';

/**
 * `ecm-field correct EXECUTION_ID --verdict wrong|partly|right --note …`: a person's judgement of a
 * diagnosis, insight or proposal, stored with the execution for satisfaction and the common mistakes.
 */
export async function correctCommand(executionId: string, options: AgentOptions & { verdict?: string; note?: string }): Promise<number> {
  const now = parseAsOf(options.asOf);
  const { VERDICTS, recordCorrection, ensureAgentSchema } = await import('@ecm/agent');
  const verdict = (options.verdict ?? '').trim().toLowerCase();
  if (!(VERDICTS as readonly string[]).includes(verdict)) throw new CliError(`--verdict: expected one of ${VERDICTS.join(', ')}`, EXIT.config);
  const note = options.note?.trim() || null;
  if (verdict !== 'right' && !note) throw new CliError('--note: say what was wrong; it becomes a "common mistake" the skill learns from', EXIT.config);
  const identity = await claimIdentity(options.agent);
  const result = await withSession({ command: 'correct', identity, now, warehouse: 'lazy' }, async (s) => {
    await ensureAgentSchema(s.state);
    return recordCorrection(s.state, executionId, { verdict: verdict as (typeof VERDICTS)[number], note, by: s.agent.email, at: now.toISOString() });
  });
  if (!result.ok) throw new CliError(result.reason, EXIT.failed);
  if (options.json) printJson({ correction: { execution_id: result.executionId, skill: result.skill, subject: result.subject, verdict, note } });
  else process.stdout.write(`Recorded: ${result.skill} execution ${result.executionId.slice(0, 8)}${result.subject ? ` (${result.subject})` : ''} judged ${verdict}.\n`);
  return EXIT.ok;
}
