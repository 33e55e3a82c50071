import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { configErrorFrom, ConfigError, defaultSharedDir } from '@ecm/core/domain';
import yaml from 'js-yaml';
import { skillFrontmatterSchema, type Skill } from './skill.js';
import { errorText } from '@ecm/core/text';

export const SKILLS_DIR = 'skills';
export const SKILL_FILE = 'SKILL.md';
export const GUARDRAILS_FILE = 'guardrails.md';

/** Every broken SKILL.md of a folder, each named with its file and problem. */
export class SkillLoadError extends Error {
  constructor(readonly problems: readonly ConfigError[]) {
    super(`${problems.length} skill file(s) could not be loaded:\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
    this.name = 'SkillLoadError';
  }
}

export interface SkillInspection {
  readonly skills: readonly Skill[];
  readonly problems: readonly ConfigError[];
}

/** Splits `---\nYAML\n---\nbody`; null when the file does not open with a frontmatter block. */
function splitFrontmatter(text: string): { yaml: string; body: string } | null {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  return match ? { yaml: match[1]!, body: match[2]! } : null;
}

export function parseSkillFile(file: string, text: string): Skill {
  const parts = splitFrontmatter(text);
  if (!parts) throw new ConfigError(file, '', 'expected YAML frontmatter between "---" lines at the top of the file');
  let data: unknown;
  try {
    data = yaml.load(parts.yaml);
  } catch (err) {
    throw new ConfigError(file, '', `frontmatter is not valid YAML: ${errorText(err).split('\n')[0]}`);
  }
  const parsed = skillFrontmatterSchema.safeParse(data ?? {});
  if (!parsed.success) throw configErrorFrom(parsed.error, file);
  const fm = parsed.data;
  const folder = path.basename(path.dirname(file));
  if (fm.name !== folder) throw new ConfigError(file, 'name', `"${fm.name}" must match its folder name "${folder}"`);
  const body = parts.body.trim();
  if (!body) throw new ConfigError(file, '(body)', 'expected the skill instructions after the frontmatter');
  return {
    name: fm.name,
    description: fm.description.trim(),
    role: fm.metadata.role,
    ...(fm.metadata.domain ? { domain: fm.metadata.domain } : {}),
    model: fm.metadata.model,
    allowedTools: fm.metadata['allowed-tools'],
    maxTurns: fm.metadata['max-turns'],
    maxCostUsd: fm.metadata['max-cost-usd'],
    body,
    file,
  };
}

/** Reads every `<dir>/<skill>/SKILL.md`, collecting problems instead of stopping at the first. */
export function inspectSkills(dir: string): SkillInspection {
  if (!existsSync(dir)) return { skills: [], problems: [new ConfigError(dir, '', 'skills folder not found')] };
  const skills: Skill[] = [];
  const problems: ConfigError[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const folder = path.join(dir, entry);
    if (!statSync(folder).isDirectory()) continue;
    const file = path.join(folder, SKILL_FILE);
    if (!existsSync(file)) {
      problems.push(new ConfigError(file, '', `missing: every folder under ${dir} is a skill and needs a ${SKILL_FILE}`));
      continue;
    }
    try {
      skills.push(parseSkillFile(file, readFileSync(file, 'utf8')));
    } catch (err) {
      if (err instanceof ConfigError) problems.push(err);
      else throw err;
    }
  }
  if (skills.length === 0 && problems.length === 0)
    problems.push(new ConfigError(dir, '', `no skills found (expected <skill>/${SKILL_FILE} folders)`));
  return { skills, problems };
}

/** Loads a skills folder; throws SkillLoadError naming every broken file and its problem. */
export function loadSkills(dir: string = path.join(defaultSharedDir(), SKILLS_DIR)): readonly Skill[] {
  const { skills, problems } = inspectSkills(dir);
  if (problems.length) throw new SkillLoadError(problems);
  return skills;
}

/** One line per loaded skill, for startup logs and `doctor`-style checks. */
export function describeSkills(skills: readonly Skill[]): string {
  return `loaded ${skills.length} skill(s): ${skills.map((s) => `${s.name} (${s.role}, ${s.allowedTools.length} tools, ${s.maxTurns} turns, $${s.maxCostUsd})`).join('; ')}`;
}

/** The shared safety rules (§12) that open every system prompt. */
export function loadGuardrails(sharedDir: string = defaultSharedDir()): string {
  const file = path.join(sharedDir, GUARDRAILS_FILE);
  if (!existsSync(file)) throw new ConfigError(file, '', 'file not found: the guardrails go into every system prompt');
  const text = readFileSync(file, 'utf8').trim();
  if (!text) throw new ConfigError(file, '', 'expected the guardrails text, found an empty file');
  return text;
}
