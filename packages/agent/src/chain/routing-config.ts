import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { errorText } from '@ecm/core/text';

export const ROUTING_CONFIG_FILE = 'config/routing.yaml';

/** The manager's own name for the triage output a first rule reads (it is not a skill file). */
export const TRIAGE_SOURCE = 'ecm-triage';

/** What each source's output offers a rule: field → the kind of value it holds. */
export const ROUTABLE_FIELDS: Readonly<Record<string, Readonly<Record<string, 'number' | 'level'>>>> = {
  [TRIAGE_SOURCE]: { critical_count: 'number', order_count: 'number', total_amount_aed: 'number', high_value_count: 'number' },
  'ecm-diagnose': { confidence: 'level' },
};
export const OPERATORS = ['==', '!=', '>=', '>', '<=', '<'] as const;
export const LEVELS = ['low', 'medium', 'high'] as const;
export type Level = (typeof LEVELS)[number];

const skillName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a skill name such as ecm-diagnose');

export const routingRuleSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a rule name in kebab-case'),
    from: skillName,
    when: z.object({ field: z.string().min(1), op: z.enum(OPERATORS), value: z.union([z.number(), z.enum(LEVELS)]) }).strict(),
    to: skillName,
    max_per_day: z.number().int().positive(),
  })
  .strict();
export type ChainRule = z.infer<typeof routingRuleSchema>;

export const routingConfigSchema = z
  .object({
    rules: z.array(routingRuleSchema).min(1),
    approval: z.object({ supervisor_min_value_aed: z.number().nonnegative(), supervisor_min_orders: z.number().int().positive() }).strict(),
  })
  .strict();
export type RoutingConfig = z.infer<typeof routingConfigSchema>;

export type Loaded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Checks the meaning the schema cannot: every skill exists, every field is one its source offers,
 * a level is compared with == or != only, rule names are unique.
 */
export function checkRoutingMeaning(config: RoutingConfig, knownSkills: ReadonlySet<string>, file: string): string[] {
  const errors: string[] = [];
  const names = new Set<string>();
  config.rules.forEach((rule, i) => {
    const at = `${file}: rules[${i}]`;
    if (names.has(rule.name)) errors.push(`${at}.name: "${rule.name}" is used twice; expected unique rule names`);
    names.add(rule.name);
    if (rule.from !== TRIAGE_SOURCE && !knownSkills.has(rule.from))
      errors.push(`${at}.from: unknown skill "${rule.from}"; expected ${TRIAGE_SOURCE} or a skill under shared/skills`);
    if (!knownSkills.has(rule.to)) errors.push(`${at}.to: unknown skill "${rule.to}"; expected a skill under shared/skills`);
    const fields = ROUTABLE_FIELDS[rule.from];
    const kind = fields?.[rule.when.field];
    if (!fields)
      errors.push(`${at}.from: "${rule.from}" has no routable output; expected one of ${Object.keys(ROUTABLE_FIELDS).join(', ')}`);
    else if (!kind)
      errors.push(
        `${at}.when.field: "${rule.when.field}" is not an output of ${rule.from}; expected one of ${Object.keys(fields).join(', ')}`,
      );
    else if (kind === 'number' && typeof rule.when.value !== 'number')
      errors.push(`${at}.when.value: expected a number for ${rule.when.field}`);
    else if (kind === 'level') {
      if (typeof rule.when.value === 'number') errors.push(`${at}.when.value: expected one of ${LEVELS.join(', ')} for ${rule.when.field}`);
      if (rule.when.op !== '==' && rule.when.op !== '!=') errors.push(`${at}.when.op: expected == or != for the level ${rule.when.field}`);
    }
  });
  return errors;
}

/** Parses and checks routing YAML text; errors name the file and the key. */
export function parseRoutingConfig(text: string, file: string, knownSkills: ReadonlySet<string>): Loaded<RoutingConfig> {
  let data: unknown;
  try {
    data = yaml.load(text);
  } catch (err) {
    return { ok: false, errors: [`${file}: not valid YAML: ${errorText(err).split('\n')[0]}`] };
  }
  const parsed = routingConfigSchema.safeParse(data);
  if (!parsed.success)
    return { ok: false, errors: parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`) };
  const errors = checkRoutingMeaning(parsed.data, knownSkills, file);
  return errors.length ? { ok: false, errors } : { ok: true, value: parsed.data };
}

export function loadRoutingConfig(sharedDir: string, knownSkills: ReadonlySet<string>): Loaded<RoutingConfig> {
  const file = path.join(sharedDir, ROUTING_CONFIG_FILE);
  if (!existsSync(file)) return { ok: false, errors: [`${file}: missing; expected the routing rules and approval thresholds`] };
  return parseRoutingConfig(readFileSync(file, 'utf8'), file, knownSkills);
}

/** A diagnosis's confidence as a level: the skill may answer a number or a word. */
export function confidenceLevel(confidence: number | Level): Level {
  if (typeof confidence !== 'number') return confidence;
  return confidence >= 0.75 ? 'high' : confidence >= 0.5 ? 'medium' : 'low';
}

/** Whether a rule's condition holds for one output (fields as ROUTABLE_FIELDS names them). */
export function ruleMatches(rule: ChainRule, output: Readonly<Record<string, unknown>>): boolean {
  const raw = output[rule.when.field];
  const { op, value } = rule.when;
  if (typeof value === 'string') {
    if (typeof raw !== 'string' && typeof raw !== 'number') return false;
    const level = confidenceLevel(raw as number | Level);
    return op === '==' ? level === value : op === '!=' ? level !== value : false;
  }
  if (typeof raw !== 'number') return false;
  switch (op) {
    case '==':
      return raw === value;
    case '!=':
      return raw !== value;
    case '>=':
      return raw >= value;
    case '>':
      return raw > value;
    case '<=':
      return raw <= value;
    case '<':
      return raw < value;
  }
}

/** The rules that read one source's output, in file order. */
export const rulesFrom = (config: RoutingConfig, from: string) => config.rules.filter((r) => r.from === from);
