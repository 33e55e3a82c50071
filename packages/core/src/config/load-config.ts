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
  // The order is the order problems are reported in: the catalogue first, since the other files name its reasons.
  const reasons = loadReasons(sharedDir);
  const settings = loadSettings(sharedDir);
  const { classification, disqualification } = loadClassification(sharedDir, reasons, settings);
  checkEscalationRoles(sharedDir, env, reasons);
  return { sharedDir, reasons, classification, disqualification, settings };
}

/** The stuck-reason catalogue, each reason's runbook present and its action's placeholders known. */
function loadReasons(sharedDir: string): Map<string, StuckReason> {
  const reasonsPath = path.join(sharedDir, STUCK_REASONS_FILE);
  const reasonsFile = parseConfig(stuckReasonsFileSchema, readYaml(sharedDir, STUCK_REASONS_FILE), reasonsPath);
  const reasons = new Map<string, StuckReason>();
  for (const [name, reason] of Object.entries(reasonsFile.reasons)) {
    if (!existsSync(path.join(sharedDir, reason.runbook))) {
      throw new ConfigError(reasonsPath, `reasons.${name}.runbook`, `runbook "${reason.runbook}" does not exist under ${sharedDir}`);
    }
    checkActionPlaceholders(reason.action, `reasons.${name}.action`, reasonsPath);
    reasons.set(name, { ...reason, name });
  }
  return reasons;
}

/** An unknown `{placeholder}` would reach the operator verbatim instead of the order's value. */
function checkActionPlaceholders(action: string, where: string, file: string): void {
  for (const match of action.matchAll(/\{([^}]*)\}/g)) {
    if (!(ACTION_PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
      throw new ConfigError(
        file,
        where,
        `unknown placeholder {${match[1]}}; expected one of ${ACTION_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
      );
    }
  }
}

/** The settings, with an AED rate for every candidate currency (amounts are compared in AED). */
function loadSettings(sharedDir: string): Settings {
  const settingsPath = path.join(sharedDir, SETTINGS_FILE);
  const settings = parseConfig(settingsFileSchema, readYaml(sharedDir, SETTINGS_FILE), settingsPath);
  for (const currency of settings.candidates.currencies) {
    if (settings.fx_to_aed[currency] === undefined)
      throw new ConfigError(settingsPath, `fx_to_aed.${currency}`, `missing: ${currency} is a candidate currency and needs a rate to AED`);
  }
  return settings;
}

/** The classification rules, every reason they name in the catalogue and every candidate currency covered. */
function loadClassification(sharedDir: string, reasons: ReadonlyMap<string, StuckReason>, settings: Settings): ClassificationFile {
  const classificationPath = path.join(sharedDir, CLASSIFICATION_FILE);
  const file = parseConfig(classificationFileSchema, readYaml(sharedDir, CLASSIFICATION_FILE), classificationPath);
  const { classification, disqualification } = file;
  if (!reasons.has(classification.fallback)) {
    throw new ConfigError(
      classificationPath,
      'classification.fallback',
      `"${classification.fallback}" is not in the catalogue (${STUCK_REASONS_FILE})`,
    );
  }
  checkClassificationRules(classification, classificationPath, reasons);
  checkCandidateCurrenciesHaveRules(classification, classificationPath, settings);
  disqualification.forEach((rule, i) => {
    checkReasonCondition(rule.when, `disqualification[${i}].when`, classificationPath, reasons);
  });
  return file;
}

function checkClassificationRules(
  classification: ClassificationFile['classification'],
  file: string,
  reasons: ReadonlyMap<string, StuckReason>,
): void {
  const { groups } = classification;
  checkRules(classification.all_currencies, 'classification.all_currencies', file, reasons, groups);
  for (const [group, rules] of Object.entries(groups)) {
    // Groups stay one level deep, so an include can never loop back on itself.
    if (rules.some((r) => 'include' in r))
      throw new ConfigError(file, `classification.groups.${group}`, 'a group may not include another group');
    checkRules(rules, `classification.groups.${group}`, file, reasons, groups);
  }
  for (const [currency, rules] of Object.entries(classification.currencies)) {
    checkRules(rules, `classification.currencies.${currency}`, file, reasons, groups);
  }
}

/** Each candidate currency needs its own rules, so none is left to the common rules and the fallback by oversight. */
function checkCandidateCurrenciesHaveRules(classification: ClassificationFile['classification'], file: string, settings: Settings): void {
  for (const currency of settings.candidates.currencies) {
    if (!classification.currencies[currency]) {
      throw new ConfigError(
        file,
        `classification.currencies.${currency}`,
        `missing: ${currency} is a candidate currency (${SETTINGS_FILE}) but has no rules`,
      );
    }
  }
}

/**
 * Every reason escalates to a role the escalation matrix lists: an escalation to a role the matrix
 * does not list would name nobody. Checked last, so that a broken YAML file is named before a missing matrix.
 */
function checkEscalationRoles(sharedDir: string, env: NodeJS.ProcessEnv, reasons: ReadonlyMap<string, StuckReason>): void {
  const matrix = escalationMatrixFile(sharedDir, env);
  const roles = escalationRoleKeys(matrix);
  if (!roles) return;
  for (const [name, reason] of reasons) {
    if (!roles.has(reason.escalation)) {
      throw new ConfigError(
        path.join(sharedDir, STUCK_REASONS_FILE),
        `reasons.${name}.escalation`,
        `unknown role "${reason.escalation}"; expected a role key of ${matrix} (${[...roles].join(', ')})`,
      );
    }
  }
}
