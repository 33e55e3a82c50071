import { splitWords } from '@ecm/core/text';

export { splitWords };

/** The commands a chat line may run directly (the same as on the command line). */
export const CHAT_COMMANDS = ['my-tickets', 'order', 'resolve', 'escalate', 'proposals', 'approve', 'reject', 'whoami'] as const;

/** The command a chat line names (with or without a leading "/"), or null for a question in words. */
export function chatCommand(line: string): string[] | null {
  const trimmed = line.trim().replace(/^\//, '');
  const first = trimmed.split(/\s+/, 1)[0] ?? '';
  if (!(CHAT_COMMANDS as readonly string[]).includes(first)) return null;
  return splitWords(trimmed);
}
