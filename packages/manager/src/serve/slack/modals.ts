import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { VIEW } from './slack-actions.js';
import { FEEDBACK_CHOICES, type ResolveAnswers } from './ticket-actions.js';

/** What a modal remembers between the click and the submission: the subject and where to answer. */
export const modalContext = z.object({
  subject: z.string().min(1).max(200),
  channel: z.string().max(40).nullable(),
  thread_ts: z.string().max(40).nullable(),
});
export type ModalContext = z.infer<typeof modalContext>;

const plain = (text: string) => ({ type: 'plain_text' as const, text: text.slice(0, 75) });
const option = ([value, label]: readonly [string, string]): PlainTextOption => ({ text: plain(`${value} — ${label}`), value });

function textInput(blockId: string, label: string, placeholder: string): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 2000, placeholder: plain(placeholder) },
  };
}

function choice(blockId: keyof typeof FEEDBACK_CHOICES, label: string, initial: string): KnownBlock {
  const options = FEEDBACK_CHOICES[blockId].map(option);
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    element: {
      type: 'static_select',
      action_id: 'value',
      options,
      initial_option: options.find((o) => o.value === initial) ?? options[0]!,
    },
  };
}

function modal(callbackId: string, title: string, submit: string, context: ModalContext, blocks: KnownBlock[]): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title.slice(0, 24)),
    submit: plain(submit),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(context),
    blocks,
  };
}

/** The terminal's resolve, as a form: notes and the three feedback answers, with the same defaults. */
export function resolveModal(context: ModalContext, escalated: boolean): ModalView {
  return modal(VIEW.resolve, `Resolve ${context.subject}`, 'Resolve', context, [
    textInput('notes', 'Resolution notes (what was done)', 'e.g. refund ref R-123 initiated'),
    choice('diagnosis_match', 'Was the diagnosis right?', 'CORRECT'),
    choice('action_followed', 'Did you follow the suggested action?', 'YES'),
    choice('resolution_type', 'How was it resolved?', escalated ? 'ESCALATED_RESOLVED' : 'AGENT_RESOLVED'),
  ]);
}

export function escalateModal(context: ModalContext): ModalView {
  return modal(VIEW.escalate, `Escalate ${context.subject}`, 'Escalate', context, [
    textInput('reason', 'Why escalate (what is blocked, who must act)', 'e.g. payout partner rejects the beneficiary bank code'),
  ]);
}

export function rejectModal(context: ModalContext): ModalView {
  return modal(VIEW.reject, 'Reject the fix', 'Reject', context, [
    textInput('reason', 'What is wrong with the proposed fix', 'e.g. these orders were already refunded'),
  ]);
}

const inputValue = z.object({ value: z.string().nullable().optional() });
const selectValue = z.object({ selected_option: z.object({ value: z.string() }).nullable().optional() });
const submittedView = z.looseObject({
  id: z.string(),
  private_metadata: z.string(),
  state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
});

export interface Submission {
  readonly viewId: string;
  readonly context: ModalContext;
  text(blockId: string): string | undefined;
  choice(blockId: string): string | undefined;
}

/** A submitted modal, checked: its context as we wrote it, its fields by block id. Null when it is not ours. */
export function readSubmission(view: unknown): Submission | null {
  const v = submittedView.safeParse(view);
  if (!v.success) return null;
  let meta: unknown;
  try {
    meta = JSON.parse(v.data.private_metadata);
  } catch {
    return null;
  }
  const context = modalContext.safeParse(meta);
  if (!context.success) return null;
  const values = v.data.state.values;
  return {
    viewId: v.data.id,
    context: context.data,
    text: (blockId) => inputValue.safeParse(values[blockId]?.value).data?.value ?? undefined,
    choice: (blockId) => selectValue.safeParse(values[blockId]?.value).data?.selected_option?.value,
  };
}

/** The three answers of a resolve submission, each one of its choices; null names the first that is not. */
export function feedbackOf(s: Submission): Omit<ResolveAnswers, 'notes'> | { invalid: keyof typeof FEEDBACK_CHOICES } {
  const pick = <K extends keyof typeof FEEDBACK_CHOICES>(key: K): (typeof FEEDBACK_CHOICES)[K][number][0] | undefined =>
    (FEEDBACK_CHOICES[key] as readonly (readonly [string, string])[]).find(([value]) => value === s.choice(key))?.[0] as
      | (typeof FEEDBACK_CHOICES)[K][number][0]
      | undefined;
  const diagnosis_match = pick('diagnosis_match');
  const action_followed = pick('action_followed');
  const resolution_type = pick('resolution_type');
  if (!diagnosis_match) return { invalid: 'diagnosis_match' };
  if (!action_followed) return { invalid: 'action_followed' };
  if (!resolution_type) return { invalid: 'resolution_type' };
  return { diagnosis_match, action_followed, resolution_type };
}
