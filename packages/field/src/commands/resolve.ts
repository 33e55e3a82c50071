import type { Ticket } from '@ecm/core/domain';
import { checkText, FREE_TEXT_MAX } from '@ecm/core/domain-shapes';
import { interactive, notice, parseAsOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { callField } from '../gateway/field-tools.js';
import { askLine } from '../prompt/ask-line.js';
import { select } from '../prompt/select.js';
import { renderLeft } from '../render/queue-left.js';
import { styleFor } from '../render/style.js';
import { withFieldTools } from '../session/field-connection.js';
import { ACTION_FOLLOWED, defaultFeedback, DIAGNOSIS_MATCH, feedbackFlag, RESOLUTION_TYPE, type Feedback } from '../tickets/feedback.js';
import { formatMinutes } from '../tickets/sla-clock.js';
import { checkOrderId } from './order-id.js';
import { printJson, type AgentOptions } from './options.js';

export interface ResolveOptions extends AgentOptions {
  readonly notes?: string;
  readonly diagnosisMatch?: string;
  readonly actionFollowed?: string;
  readonly resolutionType?: string;
}

type PartialFeedback = { -readonly [K in keyof Feedback]?: Feedback[K] };

function flags(options: ResolveOptions): PartialFeedback {
  try {
    return {
      diagnosis_match: feedbackFlag('--diagnosis-match', options.diagnosisMatch, DIAGNOSIS_MATCH),
      action_followed: feedbackFlag('--action-followed', options.actionFollowed, ACTION_FOLLOWED),
      resolution_type: feedbackFlag('--resolution-type', options.resolutionType, RESOLUTION_TYPE),
    };
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.config);
  }
}

/** Checked here to answer at once, and again by the gateway (the rule for every client). */
function checkedNotes(notes: string): string {
  if (!notes.trim())
    throw new CliError('resolution notes are required: say what was done (e.g. --notes "refund ref R-123 initiated")', EXIT.config);
  const checked = checkText('the resolution notes', notes, { lines: true });
  if (!checked.ok)
    throw new CliError(`${checked.problem} (at most ${FREE_TEXT_MAX.toLocaleString('en-US')} characters of plain text)`, EXIT.config);
  return checked.text;
}

/** Asks what the flags did not say, on the terminal, without holding the stores meanwhile. */
async function askMissing(
  ticket: Ticket,
  notes: string | undefined,
  given: PartialFeedback,
): Promise<{ notes: string; feedback: Feedback }> {
  const style = styleFor(process.stderr);
  const io = { input: process.stdin, output: process.stderr, style };
  const defaults = defaultFeedback(ticket.status);
  process.stderr.write(`Resolving ${style.bold(ticket.order_id)} (${ticket.diagnosis}, ${ticket.priority}, ${ticket.status})\n`);
  const text = checkedNotes(notes ?? (await askLine('Resolution notes (what was done): ')));
  return {
    notes: text,
    feedback: {
      diagnosis_match: given.diagnosis_match ?? (await select('Was the diagnosis right?', DIAGNOSIS_MATCH, defaults.diagnosis_match, io)),
      action_followed:
        given.action_followed ?? (await select('Did you follow the suggested action?', ACTION_FOLLOWED, defaults.action_followed, io)),
      resolution_type: given.resolution_type ?? (await select('How was it resolved?', RESOLUTION_TYPE, defaults.resolution_type, io)),
    },
  };
}

export async function resolveCommand(orderIdArg: string, options: ResolveOptions): Promise<number> {
  const orderId = checkOrderId(orderIdArg);
  const now = parseAsOf(options.asOf);
  const given = flags(options);
  let notes = options.notes === undefined ? undefined : checkedNotes(options.notes);
  const connect = { command: 'resolve', agentFlag: options.agent, now };
  const canAsk = interactive() && !options.json;
  if (notes === undefined && !canAsk) throw new CliError('--notes "…" is required: say what was done', EXIT.config);

  if (canAsk && (notes === undefined || Object.values(given).some((v) => v === undefined))) {
    // Checked before asking, and the connection closed while the agent types.
    const { ticket } = await withFieldTools(connect, (c) =>
      callField(c.client, 'field_my_ticket', { order_id: orderId, action: 'resolve' }),
    );
    const answers = await askMissing(ticket, notes, given);
    notes = answers.notes;
    Object.assign(given, answers.feedback);
  }

  const answers = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const done = await withFieldTools(connect, (c) => callField(c.client, 'field_resolve', { order_id: orderId, notes, ...answers }));
  for (const line of done.notices) notice(line);
  const { resolution, left } = done;
  if (options.json) {
    printJson({ resolution, queue_left: left.length, next: left.slice(0, 3) });
    return EXIT.ok;
  }
  const style = styleFor(process.stdout);
  const sla = resolution.sla_status === 'MET' ? style.green('MET') : style.red('MISSED');
  process.stdout.write(
    `Resolved ${style.bold(orderId)} in ${formatMinutes(resolution.resolution_minutes)} (SLA ${formatMinutes(resolution.sla_target_minutes)}: ${sla}) — ${resolution.diagnosis_match} / ${resolution.action_followed} / ${resolution.resolution_type}.\n${renderLeft(left, style)}\n`,
  );
  if (resolution.sla_status === 'MISSED') notice('SLA missed: it is recorded in the Resolutions tab; the daily stats count it.');
  return EXIT.ok;
}
