import { callerAgent } from '../field/caller-agent.js';
import { defineTool } from './define-tool.js';
import { FIELD_OUTPUT } from '../field/field-schemas.js';

/** field_whoami: the calling agent as the roster knows it — who a personal token acts for. */
export const fieldWhoami = defineTool({
  name: 'field_whoami',
  title: 'Who am I',
  description:
    "The calling agent (the HTTP token's subject) as the Agents tab lists it: name, team, role. Refused for an unknown or inactive agent. Read-only.",
  input: {},
  output: FIELD_OUTPUT.field_whoami,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(ctx, _args, caller) {
    const { agent } = await callerAgent(ctx, caller);
    return {
      structured: { agent, time_zone: ctx.config.settings.reports.time_zone },
      text: `${agent.name} <${agent.email}> · ${agent.team} · ${agent.role}`,
    };
  },
});
