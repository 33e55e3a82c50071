import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { ConfigError } from './config-error.js';
import { escalationMatrixFile, escalationRoleKeys } from './escalation-roles.js';
import type { When } from './rule-schema.js';
import { parseConfig } from './parse-config.js';
import {
  ACTION_PLACEHOLDERS,
  classificationFileSchema,
  settingsFileSchema,
  stuckReasonsFileSchema,
  type ClassificationFile,
  type Rule,
  type Settings,
  type StuckReason,
} from './schema.js';
import { errorText } from '../text/error-text.js';

export interface EcmConfig {
  /** The folder the configuration was read from (the project's `shared/`). */
  readonly sharedDir: string;
  readonly reasons: ReadonlyMap<string, StuckReason>;
  readonly classification: ClassificationFile['classification'];
  readonly disqualification: ClassificationFile['disqualification'];
  readonly settings: Settings;
}

export const STUCK_REASONS_FILE = 'stuck-reasons.yaml';
export const SETTINGS_FILE = 'config/ecm.yaml';
export const CLASSIFICATION_FILE = 'config/classification.yaml';

/** The project's `shared/` folder: `ECM_SHARED_DIR`, else the one this package ships beside. */
export function defaultSharedDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ECM_SHARED_DIR) return path.resolve(env.ECM_SHARED_DIR);
  // packages/core/{src,dist}/config → repo root
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared');
}

/** Reads one YAML configuration file, or throws a ConfigError saying it is missing or malformed. */
export function readConfigYaml(file: string): unknown {
  if (!existsSync(file)) throw new ConfigError(file, '', 'file not found (set ECM_SHARED_DIR to the folder holding the ECM configuration)');
  try {
    return yaml.load(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(file, '', `not valid YAML: ${errorText(err).split('\n')[0]}`);
  }
}

function readYaml(sharedDir: string, file: string): unknown {
  return readConfigYaml(path.join(sharedDir, file));
}

function checkRules(
  rules: readonly Rule[],
  where: string,
  file: string,
  reasons: ReadonlyMap<string, StuckReason>,
  groups: Readonly<Record<string, readonly Rule[]>>,
): void {
  rules.forEach((rule, i) => {
    if ('include' in rule) {
      if (!groups[rule.include])
        throw new ConfigError(file, `${where}[${i}].include`, `group "${rule.include}" is not defined under classification.groups`);
    } else {
      if (!reasons.has(rule.reason))
        throw new ConfigError(file, `${where}[${i}].reason`, `"${rule.reason}" is not in the catalogue (${STUCK_REASONS_FILE})`);
      checkReasonCondition(rule.when, `${where}[${i}].when`, file, reasons);
    }
  });
}

/** A `stuck_reason:` condition must name catalogue reasons, or it silently never matches. */
function checkReasonCondition(when: When, where: string, file: string, reasons: ReadonlyMap<string, StuckReason>): void {
  const condition = when.stuck_reason;
  if (condition === undefined || condition === null) return;
  const named = typeof condition === 'object' && !Array.isArray(condition) ? [condition.not ?? []].flat() : [condition].flat();
  for (const value of named) {
    if (value !== null && !reasons.has(String(value))) {
      throw new ConfigError(file, `${where}.stuck_reason`, `"${String(value)}" is not in the catalogue (${STUCK_REASONS_FILE})`);
    }
  }
}

/** Reads, validates and cross-checks the whole configuration. Throws one ConfigError on the first problem. */
export function loadConfig(sharedDir: string = defaultSharedDir(), env: NodeJS.ProcessEnv = process.env): EcmConfig {
  const reasonsPath = path.join(sharedDir, STUCK_REASONS_FILE);
  const settingsPath = path.join(sharedDir, SETTINGS_FILE);
  const classificationPath = path.join(sharedDir, CLASSIFICATION_FILE);

  const reasonsFile = parseConfig(stuckReasonsFileSchema, readYaml(sharedDir, STUCK_REASONS_FILE), reasonsPath);
  const reasons = new Map<string, StuckReason>();
  for (const [name, reason] of Object.entries(reasonsFile.reasons)) {
    if (!existsSync(path.join(sharedDir, reason.runbook))) {
      throw new ConfigError(reasonsPath, `reasons.${name}.runbook`, `runbook "${reason.runbook}" does not exist under ${sharedDir}`);
    }
    for (const match of reason.action.matchAll(/\{([^}]*)\}/g)) {
      if (!(ACTION_PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
        throw new ConfigError(
          reasonsPath,
          `reasons.${name}.action`,
          `unknown placeholder {${match[1]}}; expected one of ${ACTION_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
        );
      }
    }
    reasons.set(name, { ...reason, name });
  }

  const settings = parseConfig(settingsFileSchema, readYaml(sharedDir, SETTINGS_FILE), settingsPath);
  for (const currency of settings.candidates.currencies) {
    if (settings.fx_to_aed[currency] === undefined)
      throw new ConfigError(settingsPath, `fx_to_aed.${currency}`, `missing: ${currency} is a candidate currency and needs a rate to AED`);
  }

  const file = parseConfig(classificationFileSchema, readYaml(sharedDir, CLASSIFICATION_FILE), classificationPath);
  const { classification, disqualification } = file;
  if (!reasons.has(classification.fallback)) {
    throw new ConfigError(
      classificationPath,
      'classification.fallback',
      `"${classification.fallback}" is not in the catalogue (${STUCK_REASONS_FILE})`,
    );
  }
  checkRules(classification.all_currencies, 'classification.all_currencies', classificationPath, reasons, classification.groups);
  for (const [group, rules] of Object.entries(classification.groups)) {
    if (rules.some((r) => 'include' in r))
      throw new ConfigError(classificationPath, `classification.groups.${group}`, 'a group may not include another group');
    checkRules(rules, `classification.groups.${group}`, classificationPath, reasons, classification.groups);
  }
  for (const [currency, rules] of Object.entries(classification.currencies)) {
    checkRules(rules, `classification.currencies.${currency}`, classificationPath, reasons, classification.groups);
  }
  for (const currency of settings.candidates.currencies) {
    if (!classification.currencies[currency]) {
      throw new ConfigError(
        classificationPath,
        `classification.currencies.${currency}`,
        `missing: ${currency} is a candidate currency (${SETTINGS_FILE}) but has no rules`,
      );
    }
  }
  disqualification.forEach((rule, i) => {
    checkReasonCondition(rule.when, `disqualification[${i}].when`, classificationPath, reasons);
  });

  // Last, so that a broken YAML file is named before a missing matrix: an escalation to a role the
  // matrix does not list would name nobody.
  const matrix = escalationMatrixFile(sharedDir, env);
  const roles = escalationRoleKeys(matrix);
  if (roles) {
    for (const [name, reason] of reasons) {
      if (!roles.has(reason.escalation)) {
        throw new ConfigError(
          reasonsPath,
          `reasons.${name}.escalation`,
          `unknown role "${reason.escalation}"; expected a role key of ${matrix} (${[...roles].join(', ')})`,
        );
      }
    }
  }
  return { sharedDir, reasons, classification, disqualification, settings };
}
