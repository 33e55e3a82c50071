import { maskSecrets, oneLine } from '@ecm/core/text';
import { md, section, type SlackMessage } from '@ecm/core/slack';

const MAX_REASON = 300;

/** §10 error alert: which phase failed and why, under 500 characters. */
export function renderErrorMessage(phase: string, slot: string, error: string): SlackMessage {
  // The error may quote a connection string (password masked) or data (control characters dropped); md escapes the rest.
  const safe = oneLine(maskSecrets(error));
  const reason = safe.length > MAX_REASON ? `${safe.slice(0, MAX_REASON - 1)}…` : safe;
  const text = md`:rotating_light: *ECM Manager Error* — ${phase} (${slot}) failed: ${reason}`;
  return { title: ':rotating_light: *ECM Manager Error*', text, blocks: [section(text)], thread: [], kind: 'error' };
}
