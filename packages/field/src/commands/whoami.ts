import { oneLine } from '@ecm/core/text';
import { parseAsOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { claimIdentity, forgetIdentity, rememberedIdentityFile } from '../identity/agent-identity.js';
import { withSession } from '../session/field-session.js';
import { printJson, type AgentOptions } from './options.js';

export async function whoamiCommand(options: AgentOptions & { forget?: boolean }): Promise<number> {
  if (options.forget) {
    const removed = forgetIdentity();
    process.stdout.write(removed ? `Forgot the agent remembered in ${rememberedIdentityFile()}; the next command asks again.\n` : 'No agent was remembered.\n');
    return EXIT.ok;
  }
  const identity = await claimIdentity(options.agent);
  const agent = await withSession({ command: 'whoami', identity, now: parseAsOf(options.asOf), warehouse: 'lazy' }, async (s) => s.agent);
  if (options.json) printJson({ agent, source: identity.source });
  else process.stdout.write(`${oneLine(agent.name)} <${oneLine(agent.email)}> · ${agent.team} · ${agent.role}${agent.slack_handle ? ` · ${oneLine(agent.slack_handle)}` : ''} (identity ${identity.source === 'remembered' ? `remembered in ${rememberedIdentityFile()}` : `from ${identity.source}`})\n`);
  return EXIT.ok;
}
