import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@ecm/core/domain';
import { SHARED_DIR } from '../__fixtures__/test-runtime.js';
import { managerDomainName } from '../config/domain.js';
import { loadDomain, loadDomains, managerDomain } from './load-domains.js';

const REFUNDS = fileURLToPath(new URL('../../../manager/src/serve/__fixtures__/domains/refunds', import.meta.url));
const ECM_DOMAINS = path.join(SHARED_DIR, 'domains');
const temp: string[] = [];
afterAll(() =>
  temp.forEach((d) => {
    rmSync(d, { recursive: true, force: true });
  }),
);

/** A copy of the refunds fixture domain with its domain.yaml (or SKILL.md) edited. */
function refundsWith(edit: { yaml?: (text: string) => string; skill?: (text: string) => string }): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ecm-domains-'));
  temp.push(root);
  const folder = path.join(root, 'refunds');
  cpSync(REFUNDS, folder, { recursive: true });
  const file = path.join(folder, 'domain.yaml');
  if (edit.yaml) writeFileSync(file, edit.yaml(readFileSync(file, 'utf8')));
  const skill = path.join(folder, 'skills/refund-check/SKILL.md');
  if (edit.skill) writeFileSync(skill, edit.skill(readFileSync(skill, 'utf8')));
  return folder;
}

function problemOf(folder: string): string {
  try {
    loadDomain(folder);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('domains as configuration', () => {
  it("ECM's domain.yaml loads with its nine skills, and is the manager's domain", () => {
    const domains = loadDomains([ECM_DOMAINS]);
    const ecm = domains.get('ecm')!;
    expect(ecm.skillList.map((s) => s.name)).toContain('ecm-diagnose');
    expect(ecm.skillList).toHaveLength(9);
    expect(ecm.triggers.alerts.map((a) => a.name)).toEqual(['stuck-backlog', 'sla-breaches']);
    expect(ecm.routingFile).toBe(path.join(SHARED_DIR, 'config/routing.yaml'));
    expect(managerDomain(domains).name).toBe('ecm');
  });

  it('a second domain is a folder of configuration plus one skill (which may name its domain)', () => {
    const domains = loadDomains([ECM_DOMAINS, path.dirname(REFUNDS)]);
    expect([...domains.keys()]).toEqual(['ecm', 'refunds']);
    const refunds = domains.get('refunds')!;
    expect(refunds.skillList.map((s) => [s.name, s.domain])).toEqual([['refund-check', 'refunds']]);
    expect(refunds.guardrails.rate_limits.webhook).toEqual({ max: 3, per_minutes: 60 });
    expect(refunds.triggers.webhook?.secret_env).toBe('REFUNDS_WEBHOOK_SECRET');
    expect(managerDomain(domains).name).toBe('ecm');
  });

  const cases: [string, { yaml?: (t: string) => string; skill?: (t: string) => string }, RegExp][] = [
    [
      'a budget that is not a number',
      { yaml: (t) => t.replace('daily_budget_usd: 1', 'daily_budget_usd: lots') },
      /refunds\/domain\.yaml: guardrails\.daily_budget_usd: .*number/,
    ],
    ['a misspelt key', { yaml: (t) => t.replace('tools: [', 'tool: [') }, /refunds\/domain\.yaml: tool: unknown key/],
    [
      'a missing section',
      { yaml: (t) => t.replace('guardrails:', 'gaurdrails:') },
      /refunds\/domain\.yaml: guardrails: missing \(expected object\)/,
    ],
    [
      'a used skill that does not exist',
      { yaml: (t) => t.replace('dir: skills', 'dir: skills\n  use: [refund-chek]') },
      /domain\.yaml: skills\.use\[0\]: no skill "refund-chek"/,
    ],
    [
      'a trigger running a skill the domain does not have',
      { yaml: (t) => t.replace('run: { skill: refund-check }', 'run: { skill: refund-payout }') },
      /domain\.yaml: triggers\.alerts\[0\]\.run\.skill: "refund-payout" is not one of this domain's skills \(refund-check\)/,
    ],
    [
      "a domain other than the manager's running the manager's phases",
      { yaml: (t) => t.replace(/(events:[\s\S]*?)run: \{ skill: refund-check \}/, '$1run: { phases: [triage] }') },
      /triggers\.webhook\.events\[0\]\.run\.phases: only the domain with manager_phases: true/,
    ],
    [
      'a name that is not its folder',
      { yaml: (t) => t.replace('name: refunds', 'name: refund') },
      /domain\.yaml: name: "refund" must match its folder name "refunds"/,
    ],
    [
      'a label regex that does not compile',
      { yaml: (t) => t.replace('regex: "payments|refunds"', 'regex: "payments(("') },
      /domain\.yaml: triggers\.alerts\[0\]\.match\.team.*expected a valid regular expression/,
    ],
    [
      'a secret instead of a variable name',
      { yaml: (t) => t.replace('secret_env: REFUNDS_WEBHOOK_SECRET', 'secret_env: s3cr3t-value') },
      /triggers\.webhook\.secret_env: expected an environment variable name/,
    ],
    [
      'a rate limit of zero',
      { yaml: (t) => t.replace('webhook: { max: 3', 'webhook: { max: 0') },
      /guardrails\.rate_limits\.webhook\.max: expected at least 1/,
    ],
    [
      'a skill allowing a tool the domain does not list',
      { yaml: (t) => t.replace('tools: [runbook_get]', 'tools: [warehouse_query]') },
      /domain\.yaml: tools: skill refund-check allows runbook_get, which the domain's tools do not list/,
    ],
    [
      'a skill naming another domain',
      { skill: (t) => t.replace('domain: refunds', 'domain: ecm') },
      /refund-check\/SKILL\.md: metadata\.domain: "ecm" but the skill is used by domain "refunds"/,
    ],
    [
      'a broken SKILL.md',
      { skill: (t) => t.replace('role: field', 'role: cashier') },
      /domain\.yaml: skills\.dir: .*refund-check\/SKILL\.md: metadata\.role: expected one of/,
    ],
    [
      'a cron expression that does not parse',
      { yaml: (t) => t.replace('cron: "30 2 * * *"', 'cron: "61 * * * *"') },
      /triggers\.cron\[0\]\.cron: /,
    ],
    [
      'an unknown time zone',
      { yaml: (t) => t.replace('time_zone: Asia/Dubai', 'time_zone: Mars/Olympus') },
      /triggers\.cron\[0\]\.time_zone: "Mars\/Olympus" is not an IANA time zone/,
    ],
    [
      'YAML that does not parse',
      { yaml: (t) => t.replace('guardrails:', 'guardrails: [') },
      /refunds\/domain\.yaml: \(top level\): not valid YAML/,
    ],
  ];
  it.each(cases)('%s: one message naming the file, the key and what was expected', (_name, edit, expected) => {
    const message = problemOf(refundsWith(edit));
    expect(message).toMatch(expected);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('refuses the same domain twice, no domain at all, and two domains claiming the manager', () => {
    const copy = refundsWith({});
    expect(() => loadDomains([path.dirname(REFUNDS), path.dirname(copy)])).toThrow(
      /name: domain "refunds" is already defined by .*__fixtures__\/domains\/refunds\/domain\.yaml/,
    );
    const empty = mkdtempSync(path.join(os.tmpdir(), 'ecm-domains-'));
    temp.push(empty);
    expect(() => loadDomains([empty])).toThrow(/no domains found/);
    const second = refundsWith({ yaml: (t) => t.replace('name: refunds', 'name: refunds\nmanager_phases: true') });
    expect(() => managerDomain(loadDomains([ECM_DOMAINS, path.dirname(second)]))).toThrow(
      /exactly one domain may run the manager's phases; found ecm, refunds/,
    );
    expect(() => managerDomain(loadDomains([path.dirname(REFUNDS)]))).toThrow(/expected one domain with manager_phases: true/);
  });

  it("the manager's domain name is configuration: rename the folder and its name, and metrics, budget and log follow", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ecm-domains-'));
    temp.push(root);
    const text = readFileSync(path.join(ECM_DOMAINS, 'ecm/domain.yaml'), 'utf8')
      .replace('name: ecm', 'name: remittances')
      .replace('dir: ../../skills', `dir: ${path.join(SHARED_DIR, 'skills')}`)
      .replace('routing: ../../config/routing.yaml', `routing: ${path.join(SHARED_DIR, 'config/routing.yaml')}`);
    cpSync(path.join(ECM_DOMAINS, 'ecm'), path.join(root, 'remittances'), { recursive: true });
    writeFileSync(path.join(root, 'remittances/domain.yaml'), text);
    expect(managerDomainName(SHARED_DIR, { ECM_DOMAINS_DIR: root })).toBe('remittances');
    expect(managerDomainName(SHARED_DIR, {})).toBe('ecm');
  });

  it("reads the manager's domain name without loading skills: a broken SKILL.md does not hide it", () => {
    const folder = refundsWith({
      yaml: (t) => t.replace('name: refunds', 'name: refunds\nmanager_phases: true'),
      skill: (t) => t.replace('role: field', 'role: cashier'),
    });
    expect(() => loadDomain(folder)).toThrow(/metadata\.role/);
    expect(managerDomainName(SHARED_DIR, { ECM_DOMAINS_DIR: path.dirname(folder) })).toBe('refunds');
  });
});
