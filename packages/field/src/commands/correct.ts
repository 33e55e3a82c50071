import { checkText } from '@ecm/core/domain-shapes';
import { parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { callField } from '../gateway/field-tools.js';
import { withFieldTools } from '../session/field-connection.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';

export type CorrectOptions = AgentOptions & { verdict?: string; note?: string; reason?: string };

/**
 * `ecm-field correct EXECUTION_ID --verdict wrong|partly|right --note …`: a person's judgement of a
 * diagnosis, insight or proposal, stored with the execution for satisfaction and the common mistakes.
 * `ecm-field correct order ORDER --reason RIGHT_REASON [--note …]`: the ticket's classification was
 * wrong; stored in `classification_corrections`, it counts as "the reason was wrong" in the learning loop.
 */
export async function correctCommand(target: string, orderIdArg: string | undefined, options: CorrectOptions): Promise<number> {
  if (target.trim().toLowerCase() === 'order') return correctClassification(orderIdArg, options);
  if (orderIdArg !== undefined)
    throw new CliError(
      `unexpected "${orderIdArg.slice(0, 80)}": correct an execution with ecm-field correct EXECUTION_ID --verdict …, a classification with ecm-field correct order ORDER --reason …`,
      EXIT.config,
    );
  if (options.reason !== undefined)
    throw new CliError(
      '--reason names the right stuck reason of an order: ecm-field correct order ORDER --reason RIGHT_REASON',
      EXIT.config,
    );
  return correctExecution(target, options);
}

const VERDICTS = ['wrong', 'partly', 'right'] as const;

async function correctExecution(executionId: string, options: CorrectOptions): Promise<number> {
  const now = parseAsOf(options.asOf);
  const verdict = (options.verdict ?? '').trim().toLowerCase();
  if (!(VERDICTS as readonly string[]).includes(verdict))
    throw new CliError(`--verdict: expected one of ${VERDICTS.join(', ')}`, EXIT.config);
  const note = options.note?.trim() || null;
  if (verdict !== 'right' && !note)
    throw new CliError('--note: say what was wrong; it becomes a "common mistake" the skill learns from', EXIT.config);
  const { correction } = await withFieldTools({ command: 'correct', agentFlag: options.agent, now }, (c) =>
    callField(c.client, 'field_judge_execution', { execution_id: executionId, verdict, ...(note ? { note } : {}) }),
  );
  if (options.json) printJson({ correction });
  else
    process.stdout.write(
      `Recorded: ${correction.skill} execution ${correction.execution_id.slice(0, 8)}${correction.subject ? ` (${correction.subject})` : ''} judged ${verdict}.\n`,
    );
  return EXIT.ok;
}

async function correctClassification(orderIdArg: string | undefined, options: CorrectOptions): Promise<number> {
  if (!orderIdArg) throw new CliError('correct order: which order? ecm-field correct order ORDER --reason RIGHT_REASON', EXIT.config);
  if (options.verdict !== undefined)
    throw new CliError('--verdict judges a skill execution; a classification takes --reason RIGHT_REASON', EXIT.config);
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  if (options.note !== undefined) {
    const checked = checkText('--note', options.note, { lines: true });
    if (!checked.ok) throw new CliError(checked.problem, EXIT.config);
  }
  // The catalogue is checked by the gateway, which holds it.
  const { classification_correction: correction } = await withFieldTools({ command: 'correct', agentFlag: options.agent, now }, (c) =>
    callField(c.client, 'field_correct_classification', {
      order_id: orderId,
      reason: options.reason?.trim() ?? '',
      ...(options.note !== undefined ? { note: options.note } : {}),
    }),
  );
  if (options.json) printJson({ classification_correction: correction });
  else {
    process.stdout.write(
      `Recorded: ${orderId} classified ${correction.classified_reason}, corrected to ${correction.corrected_reason}. ` +
        `It counts as "reason wrong" for ${correction.classified_reason} in the learned triage weights.\n`,
    );
  }
  return EXIT.ok;
}
