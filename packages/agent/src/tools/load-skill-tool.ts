import type { Skill } from '../skills/skill.js';
import { toolError, toolText, type AgentTool } from './agent-tool.js';

export const LOAD_SKILL = 'load_skill';

/** Where load_skill reads skill bodies from. */
export interface SkillSource {
  list(): readonly Pick<Skill, 'name' | 'description'>[];
  get(name: string): Pick<Skill, 'name' | 'body'> | undefined;
}

/** Progressive disclosure: the system prompt lists skills by name; this returns one skill's instructions. */
export function loadSkillTool(source: SkillSource): AgentTool {
  const listing = () =>
    source
      .list()
      .map((s) => `- ${s.name}: ${s.description}`)
      .join('\n');
  return {
    name: LOAD_SKILL,
    description:
      'Returns the full instructions of a skill listed in the system prompt. Skills are instructions to read, not tools to call. ' +
      'An unknown name returns the list of skills.',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string', description: 'The skill name, e.g. ecm-diagnose' } },
      required: ['name'],
      additionalProperties: false,
    },
    readOnly: true,
    async execute(args) {
      const name = typeof args.name === 'string' ? args.name.trim() : '';
      const skill = source.get(name);
      if (!skill) return toolError(`No skill named "${name}". The skills are:\n${listing()}`);
      return toolText(`# Skill ${skill.name}\n\n${skill.body}`);
    },
  };
}
