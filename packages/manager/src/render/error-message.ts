import { md, section, type SlackMessage } from '@ecm/core';

const MAX_REASON = 300;

/** §10 error alert: which phase failed and why, under 500 characters. */
export function renderErrorMessage(phase: string, slot: string, error: string): SlackMessage {
  const reason = error.length > MAX_REASON ? `${error.slice(0, MAX_REASON - 1)}…` : error;
  const text = md`:rotating_light: *ECM Manager Error* — ${phase} (${slot}) failed: ${reason}`;
  return { title: ':rotating_light: *ECM Manager Error*', text, blocks: [section(text)], thread: [], kind: 'error' };
}
