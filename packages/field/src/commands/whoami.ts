import { oneLine } from '@ecm/core/text';
import { parseAsOf } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { callField } from '../gateway/field-tools.js';
import { forgetIdentity, rememberedIdentityFile } from '../identity/agent-identity.js';
import { withFieldTools } from '../session/field-connection.js';
import { printJson, type AgentOptions } from './options.js';

export async function whoamiCommand(options: AgentOptions & { forget?: boolean }): Promise<number> {
  if (options.forget) {
    const removed = forgetIdentity();
    process.stdout.write(
      removed ? `Forgot the agent remembered in ${rememberedIdentityFile()}; the next command asks again.\n` : 'No agent was remembered.\n',
    );
    return EXIT.ok;
  }
  const { agent, source, where } = await withFieldTools(
    { command: 'whoami', agentFlag: options.agent, now: parseAsOf(options.asOf) },
    async (c) => ({
      agent: (await callField(c.client, 'field_whoami')).agent,
      source: c.identity?.source ?? 'token',
      where: c.where,
    }),
  );
  if (options.json) printJson({ agent, source });
  else {
    const from =
      source === 'token'
        ? `from ECM_GATEWAY_TOKEN at ${where}`
        : source === 'remembered'
          ? `remembered in ${rememberedIdentityFile()}`
          : `from ${source}`;
    process.stdout.write(
      `${oneLine(agent.name)} <${oneLine(agent.email)}> · ${agent.team} · ${agent.role}${agent.slack_handle ? ` · ${oneLine(agent.slack_handle)}` : ''} (identity ${from})\n`,
    );
  }
  return EXIT.ok;
}
