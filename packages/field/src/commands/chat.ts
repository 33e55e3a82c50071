import { parseAsOf } from '../context.js';
import { runChat } from '../chat/chat-session.js';
import { claimIdentity } from '../identity/agent-identity.js';
import { withSession } from '../session/field-session.js';
import type { AgentOptions } from './options.js';

export async function chatCommandAction(options: AgentOptions): Promise<number> {
  const identity = await claimIdentity(options.agent);
  const agent = await withSession({ command: 'chat', identity, now: parseAsOf(options.asOf), warehouse: 'lazy' }, async (s) => s.agent);
  const { readCredentials } = await import('@ecm/agent');
  const credentials = readCredentials(process.env);
  return runChat(identity, agent.name, options.asOf, credentials.ok ? null : credentials.reason);
}
