import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../bin/ecm-manager.js', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));
const MATRIX = fileURLToPath(new URL('../../../ESCALATION.md', import.meta.url));

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A copy of shared/ (and ESCALATION.md beside it) with one edit, and an empty ECM_HOME. */
function brokenCopy(file: string, from: string, to: string): { shared: string; home: string; file: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ecm-config-'));
  roots.push(root);
  const shared = path.join(root, 'shared');
  cpSync(SHARED, shared, { recursive: true });
  cpSync(MATRIX, path.join(root, 'ESCALATION.md'));
  const full = path.join(shared, file);
  const text = readFileSync(full, 'utf8');
  expect(text, `fixture: "${from}" must occur in ${file}`).toContain(from);
  writeFileSync(full, text.replace(from, to));
  const home = path.join(root, 'home');
  return { shared, home, file: full };
}

const CASES: readonly { name: string; file: string; from: string; to: string; key: string; expected: RegExp }[] = [
  {
    name: 'when: {} on a rule',
    file: 'config/classification.yaml',
    from: 'when: { acquirer: LEANTECH, lulu: PAYMENT_PENDING }',
    to: 'when: {}',
    key: 'classification.currencies.AED[1].when',
    expected: /expected at least one fact/,
  },
  {
    name: 'a score weight of 25',
    file: 'config/ecm.yaml',
    from: 'severity: 0.25, rfi',
    to: 'severity: 25, rfi',
    key: 'scoring.weights.severity',
    expected: /expected a weight between 0 and 1/,
  },
  {
    name: 'weights not summing to 1',
    file: 'config/ecm.yaml',
    from: 'age: 0.25, amount',
    to: 'age: 0.05, amount',
    key: 'scoring.weights',
    expected: /weights sum to 0\.8; expected them to sum to 1/,
  },
  {
    name: 'an unknown escalation role',
    file: 'stuck-reasons.yaml',
    from: 'escalation: techops_oncall',
    to: 'escalation: techops_on_call',
    key: 'reasons.status_sync_issue.escalation',
    expected: /unknown role "techops_on_call"; expected a role key of .*ESCALATION\.md/,
  },
  {
    name: 'an unknown team',
    file: 'stuck-reasons.yaml',
    from: 'team: KYC_ops',
    to: 'team: Compliance',
    key: 'reasons.rfi_order_within_24_hr.team',
    expected: /"Ops"\|"KYC_ops"\|"VDA_ops"/,
  },
  {
    name: 'an unknown reason',
    file: 'config/classification.yaml',
    from: '- reason: stuck_at_lulu',
    to: '- reason: stuck_in_lulu',
    key: 'classification.currencies.AED[8].reason',
    expected: /"stuck_in_lulu" is not in the catalogue \(stuck-reasons\.yaml\)/,
  },
  {
    name: 'a bad cron',
    file: 'config/ecm.yaml',
    from: 'cron: "0 7 * * *"',
    to: 'cron: "0 7 * * MON"',
    key: 'schedule[0].cron',
    expected: /day of week "MON" is not a number.*expected five fields such as "0 7 \* \* \*"/,
  },
];

describe('configuration checked for meaning, through the CLI', () => {
  it.each(CASES)(
    '$name: exit 3 naming file, key and expectation; nothing created or changed',
    ({ file, from, to, key, expected }) => {
      const broken = brokenCopy(file, from, to);
      const before = readFileSync(broken.file, 'utf8');
      for (const args of [
        ['daily', '--as-of', '2026-02-17T01:30:00Z'],
        ['schedule', '--crontab'],
      ]) {
        const r = spawnSync(process.execPath, [CLI, ...args], {
          env: { PATH: process.env.PATH ?? '', HOME: broken.home, ECM_HOME: broken.home, ECM_SHARED_DIR: broken.shared },
          encoding: 'utf8',
          timeout: 60_000,
        });
        expect(r.status, r.stderr).toBe(3);
        expect(r.stdout).toBe('');
        const line = r.stderr.split('\n').find((l) => l.includes(`${broken.file}: ${key}: `));
        expect(line, r.stderr).toBeDefined();
        expect(line).toMatch(expected);
      }
      // Nothing was opened or written: no warehouse, no state store, no outbox; the file is as it was.
      expect(readdirSync(path.dirname(broken.home))).not.toContain('home');
      expect(readFileSync(broken.file, 'utf8')).toBe(before);
    },
    240_000,
  );
});
