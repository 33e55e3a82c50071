import { ConfigError } from '@ecm/core/domain';
import type { LlmConfig, Role } from './llm-config.js';

export const roleModelEnv = (role: Role) => `ECM_${role.toUpperCase()}_MODEL`;
export const skillModelEnv = (skill: string) => `ECM_SKILL_MODEL_${skill.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * The model a skill runs on: ECM_SKILL_MODEL_<SKILL>, then ECM_<ROLE>_MODEL (operator overrides win),
 * then the skill's own `metadata.model`, then the role default of llm.yaml. It must have a price.
 */
export function chooseModel(
  config: LlmConfig,
  skill: { readonly name: string; readonly role: Role; readonly model?: string | undefined; readonly file?: string },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const candidates: [string | undefined, string, string][] = [
    [env[skillModelEnv(skill.name)], 'environment', skillModelEnv(skill.name)],
    [env[roleModelEnv(skill.role)], 'environment', roleModelEnv(skill.role)],
    [skill.model, skill.file ?? skill.name, 'metadata.model'],
    [config.defaults.models[skill.role], config.file, `defaults.models.${skill.role}`],
  ];
  for (const [model, where, key] of candidates) {
    const chosen = model?.trim();
    if (!chosen) continue;
    if (!config.models[chosen]) {
      throw new ConfigError(
        where,
        key,
        `model "${chosen}" has no price in ${config.file} (known: ${Object.keys(config.models).join(', ')})`,
      );
    }
    return chosen;
  }
  throw new ConfigError(config.file, `defaults.models.${skill.role}`, 'missing');
}
