import { parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { claimIdentity } from '../identity/agent-identity.js';
import { withSession } from '../session/field-session.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';
import { checkText, STUCK_REASONS_FILE } from '@ecm/core/domain';
import { recordClassificationCorrection } from '@ecm/core/stores';
import { ensureAgentSchema, recordCorrection, VERDICTS } from '@ecm/agent/state';

export type CorrectOptions = AgentOptions & { verdict?: string; note?: string; reason?: string };

/**
 * `ecm-field correct EXECUTION_ID --verdict wrong|partly|right --note …`: a person's judgement of a
 * diagnosis, insight or proposal, stored with the execution for satisfaction and the common mistakes.
 * `ecm-field correct order ORDER --reason RIGHT_REASON [--note …]`: the ticket's classification was
 * wrong; stored in `classification_corrections`, it counts as "the reason was wrong" in the learning loop.
 */
export async function correctCommand(target: string, orderIdArg: string | undefined, options: CorrectOptions): Promise<number> {
  if (target.trim().toLowerCase() === 'order') return correctClassification(orderIdArg, options);
  if (orderIdArg !== undefined) throw new CliError(`unexpected "${orderIdArg.slice(0, 80)}": correct an execution with ecm-field correct EXECUTION_ID --verdict …, a classification with ecm-field correct order ORDER --reason …`, EXIT.config);
  if (options.reason !== undefined) throw new CliError('--reason names the right stuck reason of an order: ecm-field correct order ORDER --reason RIGHT_REASON', EXIT.config);
  return correctExecution(target, options);
}

async function correctExecution(executionId: string, options: CorrectOptions): Promise<number> {
  const now = parseAsOf(options.asOf);
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

async function correctClassification(orderIdArg: string | undefined, options: CorrectOptions): Promise<number> {
  if (!orderIdArg) throw new CliError('correct order: which order? ecm-field correct order ORDER --reason RIGHT_REASON', EXIT.config);
  if (options.verdict !== undefined) throw new CliError('--verdict judges a skill execution; a classification takes --reason RIGHT_REASON', EXIT.config);
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  const reasonArg = options.reason?.trim() ?? '';
  let note: string | null = null;
  if (options.note !== undefined) {
    const checked = checkText('--note', options.note, { lines: true });
    if (!checked.ok) throw new CliError(checked.problem, EXIT.config);
    note = checked.text;
  }
  const identity = await claimIdentity(options.agent);
  const correction = await withSession({ command: 'correct', identity, now, warehouse: 'lazy' }, async (s) => {
    const known = [...s.config.reasons.keys()].sort();
    if (!reasonArg) throw new CliError(`--reason: the right stuck reason, one of the catalogue (${STUCK_REASONS_FILE}): ${known.join(', ')}`, EXIT.config);
    if (!s.config.reasons.has(reasonArg)) {
      throw new CliError(`--reason: "${reasonArg.slice(0, 80)}" is not a stuck reason in the catalogue (${STUCK_REASONS_FILE}); known: ${known.join(', ')}`, EXIT.config);
    }
    const ticket = await s.tickets.getTicket(orderId);
    if (!ticket) throw new CliError(`order ${orderId} has no ticket; only a ticket's classification can be corrected`, EXIT.failed);
    if (ticket.agent_email !== s.agent.email && s.agent.role !== 'supervisor') {
      throw new CliError(`order ${orderId} is ${ticket.agent_email}'s ticket; only its assignee or a supervisor may correct its classification`, EXIT.notAllowed);
    }
    if (ticket.diagnosis === reasonArg) throw new CliError(`order ${orderId} is already classified ${reasonArg}; nothing to correct`, EXIT.config);
    const c = { corrected_at: now.toISOString(), order_id: orderId, corrected_by: s.agent.email, classified_reason: ticket.diagnosis, corrected_reason: reasonArg, note };
    await recordClassificationCorrection(s.state, c);
    return c;
  });
  if (options.json) printJson({ classification_correction: correction });
  else {
    process.stdout.write(
      `Recorded: ${orderId} classified ${correction.classified_reason}, corrected to ${correction.corrected_reason}. ` +
        `It counts as "reason wrong" for ${correction.classified_reason} in the learned triage weights.\n`,
    );
  }
  return EXIT.ok;
}
