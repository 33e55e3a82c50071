import { parseAsOf } from '../context.js';
import { callField } from '../gateway/field-tools.js';
import { withFieldTools } from '../session/field-connection.js';
import type { AgentOptions } from './options.js';

export async function chatCommandAction(options: AgentOptions): Promise<number> {
  const who = await withFieldTools({ command: 'chat', agentFlag: options.agent, now: parseAsOf(options.asOf) }, async (c) => ({
    agent: (await callField(c.client, 'field_whoami')).agent,
    identity: c.identity,
  }));
  const { runChat } = await import('../chat/chat-session.js');
  if (!who.identity) {
    // Through the gateway the commands run as typed; the assistant needs the state store for its budget and log.
    return runChat(
      null,
      who.agent,
      options.asOf,
      'questions in words are answered in the embedded mode only; through the gateway, use the commands',
    );
  }
  const { readCredentials } = await import('@ecm/agent');
  const credentials = readCredentials(process.env);
  return runChat(who.identity, who.agent, options.asOf, credentials.ok ? null : credentials.reason);
}
