import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, CronSyntaxError, defaultSharedDir, parseConfig, parseCron } from '@ecm/core/domain';
import yaml from 'js-yaml';
import { inspectSkills } from '../skills/load-skills.js';
import type { Skill } from '../skills/skill.js';
import { z } from 'zod';
import { domainFileSchema, domainNameSchema, type DomainFile, type TriggerRun } from './domain-schema.js';
import { errorText } from '@ecm/core/text';

export const DOMAIN_FILE = 'domain.yaml';
export const DOMAINS_DIR = 'domains';

/** A validated domain: its file, with its skills loaded and every reference checked. */
export interface Domain extends DomainFile {
  /** The domain.yaml it was read from. */
  readonly file: string;
  readonly skillList: readonly Skill[];
  /** The routing rules file, resolved (when the domain has one). */
  readonly routingFile?: string | undefined;
}

/**
 * Where domains live: `ECM_DOMAINS_DIR` (one folder, or several separated by the path delimiter),
 * else `<shared>/domains`.
 */
export function domainDirs(env: NodeJS.ProcessEnv = process.env, sharedDir: string = defaultSharedDir(env)): string[] {
  const listed = env.ECM_DOMAINS_DIR?.split(path.delimiter).filter(Boolean);
  return listed?.length ? listed.map((d) => path.resolve(d)) : [path.join(sharedDir, DOMAINS_DIR)];
}

function readYaml(file: string): unknown {
  try {
    return yaml.load(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, '', `not valid YAML: ${errorText(err).split('\n')[0]}`);
  }
}

function checkRun(run: TriggerRun, where: string, file: string, skills: ReadonlySet<string>, managerPhases: boolean): void {
  if ('phases' in run && !managerPhases)
    throw new ConfigError(
      file,
      `${where}.phases`,
      "only the domain with manager_phases: true runs the manager's phases; run one of this domain's skills instead ({ skill: <name> })",
    );
  if ('skill' in run && !skills.has(run.skill)) {
    throw new ConfigError(
      file,
      `${where}.skill`,
      `"${run.skill}" is not one of this domain's skills (${[...skills].join(', ') || 'none'})`,
    );
  }
}

/** Reads and checks one domain folder. Throws one ConfigError naming the file, the key and what was expected. */
export function loadDomain(folder: string): Domain {
  const { file, parsed } = readDomainFile(folder);
  const skillList = loadDomainSkills(folder, file, parsed);
  const routingFile = resolveRoutingFile(folder, file, parsed);
  checkTriggers(parsed, file, new Set(skillList.map((skill) => skill.name)));
  return { ...parsed, file, skillList, routingFile };
}

/** The folder's domain.yaml, schema-checked and named after its folder (the name is how triggers and logs find it). */
function readDomainFile(folder: string): { file: string; parsed: DomainFile } {
  const file = path.join(folder, DOMAIN_FILE);
  if (!existsSync(file))
    throw new ConfigError(file, '', `file not found: every folder under ${path.dirname(folder)} is a domain and needs a ${DOMAIN_FILE}`);
  const parsed = parseConfig(domainFileSchema, readYaml(file) ?? {}, file);
  const folderName = path.basename(folder);
  if (parsed.name !== folderName) throw new ConfigError(file, 'name', `"${parsed.name}" must match its folder name "${folderName}"`);
  return { file, parsed };
}

/** The skills the domain uses (all under its skills folder unless `skills.use` picks some), in that order. */
function loadDomainSkills(folder: string, file: string, parsed: DomainFile): Skill[] {
  const skillsDir = path.resolve(folder, parsed.skills.dir);
  const inspected = inspectSkills(skillsDir);
  if (inspected.problems.length) {
    const first = inspected.problems[0]!;
    throw new ConfigError(
      file,
      'skills.dir',
      `${first.message}${inspected.problems.length > 1 ? ` (and ${inspected.problems.length - 1} more)` : ''}`,
    );
  }
  const byName = new Map(inspected.skills.map((s) => [s.name, s]));
  const used = parsed.skills.use ?? [...byName.keys()];
  used.forEach((name, i) => {
    if (!byName.has(name))
      throw new ConfigError(file, `skills.use[${i}]`, `no skill "${name}" under ${skillsDir} (found: ${[...byName.keys()].join(', ')})`);
  });
  const skillList = used.map((name) => byName.get(name)!);
  for (const skill of skillList) checkSkillFitsDomain(skill, file, parsed);
  return skillList;
}

/**
 * A skill that names its domain must name this one, and when the domain lists its tools a skill may
 * not allow more: the domain's list is the boundary of what its skills can call.
 */
function checkSkillFitsDomain(skill: Skill, file: string, parsed: DomainFile): void {
  if (skill.domain !== undefined && skill.domain !== parsed.name) {
    throw new ConfigError(skill.file, 'metadata.domain', `"${skill.domain}" but the skill is used by domain "${parsed.name}" (${file})`);
  }
  if (!parsed.tools.length) return;
  const outside = skill.allowedTools.filter((t) => t !== 'load_skill' && !parsed.tools.includes(t));
  if (outside.length)
    throw new ConfigError(file, 'tools', `skill ${skill.name} allows ${outside.join(', ')}, which the domain's tools do not list`);
}

/** The routing rules file, relative to the domain folder, when the domain has one. */
function resolveRoutingFile(folder: string, file: string, parsed: DomainFile): string | undefined {
  if (!parsed.routing) return undefined;
  const routingFile = path.resolve(folder, parsed.routing);
  if (!existsSync(routingFile)) throw new ConfigError(file, 'routing', `file "${parsed.routing}" not found (relative to ${folder})`);
  return routingFile;
}

/** Every trigger runs something this domain can run; webhook event types are unique; cron jobs parse. */
function checkTriggers(parsed: DomainFile, file: string, skills: ReadonlySet<string>): void {
  const { triggers, manager_phases: managerPhases } = parsed;
  triggers.alerts.forEach((route, i) => {
    checkRun(route.run, `triggers.alerts[${i}].run`, file, skills, managerPhases);
  });
  triggers.webhook?.events.forEach((event, i) => {
    checkRun(event.run, `triggers.webhook.events[${i}].run`, file, skills, managerPhases);
  });
  // One route per event type: a second would never be reached.
  const types = new Set<string>();
  triggers.webhook?.events.forEach((event, i) => {
    if (types.has(event.type)) throw new ConfigError(file, `triggers.webhook.events[${i}].type`, `"${event.type}" is listed twice`);
    types.add(event.type);
  });
  triggers.cron.forEach((job, i) => {
    checkRun(job.run, `triggers.cron[${i}].run`, file, skills, managerPhases);
    checkCronSchedule(job, `triggers.cron[${i}]`, file);
  });
}

/** The cron expression and time zone are checked now, so a typo fails at start-up rather than at the first tick. */
function checkCronSchedule(job: { readonly cron: string; readonly time_zone: string }, where: string, file: string): void {
  try {
    parseCron(job.cron);
  } catch (err) {
    throw new ConfigError(file, `${where}.cron`, err instanceof CronSyntaxError ? err.message : String(err));
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: job.time_zone });
  } catch {
    throw new ConfigError(file, `${where}.time_zone`, `"${job.time_zone}" is not an IANA time zone such as Asia/Kolkata`);
  }
}

/** Every domain of every domains folder. A name found twice, or no domain at all, is a configuration error. */
export function loadDomains(dirs: readonly string[] = domainDirs()): ReadonlyMap<string, Domain> {
  const domains = new Map<string, Domain>();
  for (const dir of dirs) {
    if (!existsSync(dir))
      throw new ConfigError(dir, '', 'domains folder not found (set ECM_DOMAINS_DIR or create shared/domains/<domain>/domain.yaml)');
    for (const entry of readdirSync(dir).sort()) {
      const folder = path.join(dir, entry);
      if (!statSync(folder).isDirectory()) continue;
      const domain = loadDomain(folder);
      const earlier = domains.get(domain.name);
      if (earlier) throw new ConfigError(domain.file, 'name', `domain "${domain.name}" is already defined by ${earlier.file}`);
      domains.set(domain.name, domain);
    }
  }
  if (domains.size === 0)
    throw new ConfigError(dirs.join(path.delimiter), '', `no domains found (expected <domain>/${DOMAIN_FILE} folders)`);
  return domains;
}

/**
 * The domain the manager's scheduled work (config/ecm.yaml `schedule:`) belongs to: the one with
 * `manager_phases: true`. Exactly one; the manager's metrics, budget and execution log are keyed by it.
 */
export function managerDomain(domains: ReadonlyMap<string, Domain>): Domain {
  const found = [...domains.values()].filter((d) => d.manager_phases);
  if (found.length !== 1) {
    throw new ConfigError(
      [...domains.values()].map((d) => d.file).join(', ') || '(no domains)',
      'manager_phases',
      found.length
        ? `exactly one domain may run the manager's phases; found ${found.map((d) => d.name).join(', ')}`
        : 'expected one domain with manager_phases: true (the domain of the scheduled runs)',
    );
  }
  return found[0]!;
}

const domainHeaderSchema = z.object({ name: domainNameSchema, manager_phases: z.boolean().default(false) }).loose();

/**
 * The manager's domain name from the domain.yaml files alone (name and manager_phases), without loading
 * any skill: a broken SKILL.md must not stop the reports, which only need the name.
 */
export function managerDomainNameIn(dirs: readonly string[]): string {
  const found: { name: string; file: string }[] = [];
  const files: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir))
      throw new ConfigError(dir, '', 'domains folder not found (set ECM_DOMAINS_DIR or create shared/domains/<domain>/domain.yaml)');
    for (const entry of readdirSync(dir).sort()) {
      const file = path.join(dir, entry, DOMAIN_FILE);
      if (!existsSync(file)) continue;
      files.push(file);
      const header = parseConfig(domainHeaderSchema, readYaml(file) ?? {}, file);
      if (header.name !== entry) throw new ConfigError(file, 'name', `"${header.name}" must match its folder name "${entry}"`);
      if (header.manager_phases) found.push({ name: header.name, file });
    }
  }
  if (found.length !== 1) {
    throw new ConfigError(
      files.join(', ') || dirs.join(path.delimiter),
      'manager_phases',
      found.length
        ? `exactly one domain may run the manager's phases; found ${found.map((d) => d.name).join(', ')}`
        : 'expected one domain with manager_phases: true (the domain of the scheduled runs)',
    );
  }
  return found[0]!.name;
}
