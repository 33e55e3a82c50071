import type { ActionFollowed, DiagnosisMatch, ResolutionType, TicketStatus } from '@ecm/core/domain';
import type { Choice } from '../prompt/select.js';

/** The three quick answers of §14 that feed the learning loop (§13), with what each means. */
export const DIAGNOSIS_MATCH: readonly Choice<DiagnosisMatch>[] = [
  { value: 'CORRECT', hint: 'the stuck reason was right' },
  { value: 'PARTIAL', hint: 'partly right: the fix needed more than the reason says' },
  { value: 'WRONG', hint: 'something else was going on' },
];
export const ACTION_FOLLOWED: readonly Choice<ActionFollowed>[] = [
  { value: 'YES', hint: 'followed the suggested action / runbook' },
  { value: 'MODIFIED', hint: 'followed it with changes' },
  { value: 'IGNORED', hint: 'did something else' },
];
export const RESOLUTION_TYPE: readonly Choice<ResolutionType>[] = [
  { value: 'AGENT_RESOLVED', hint: 'you fixed it' },
  { value: 'ESCALATED_RESOLVED', hint: 'fixed after an escalation' },
  { value: 'FALSE_POSITIVE', hint: 'nothing was wrong with the order' },
  { value: 'SELF_HEALED', hint: 'it completed by itself' },
];

export interface Feedback {
  readonly diagnosis_match: DiagnosisMatch;
  readonly action_followed: ActionFollowed;
  readonly resolution_type: ResolutionType;
}

/** Defaults on Enter: CORRECT / YES / AGENT_RESOLVED, or ESCALATED_RESOLVED for an escalated ticket. */
export function defaultFeedback(status: TicketStatus): Feedback {
  return {
    diagnosis_match: 'CORRECT',
    action_followed: 'YES',
    resolution_type: status === 'ESCALATED' ? 'ESCALATED_RESOLVED' : 'AGENT_RESOLVED',
  };
}

/** A flag value checked against its choices (case-insensitive); undefined stays undefined. */
export function feedbackFlag<T extends string>(flag: string, value: string | undefined, choices: readonly Choice<T>[]): T | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((c) => c.value === value.trim().toUpperCase());
  if (!found) throw new Error(`${flag} "${value}": expected one of ${choices.map((c) => c.value).join(', ')}`);
  return found.value;
}
