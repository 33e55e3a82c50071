import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultSharedDir, loadConfig, TEAMS } from '@ecm/core/domain';
import { describe, expect, it } from 'vitest';
import { escalationFile, escalationTarget, ladderStep, loadEscalationMatrix, parseEscalationMatrix } from './escalation-matrix.js';

const sharedDir = defaultSharedDir();

describe('the escalation matrix (ESCALATION.md)', () => {
  const matrix = loadEscalationMatrix(sharedDir, {});

  it('is found beside the shared folder', () => {
    expect(escalationFile(sharedDir, {})).toBe(path.resolve(sharedDir, '..', 'ESCALATION.md'));
  });

  it('names a contact for every team at every ladder level, all at example.com', () => {
    expect(matrix.ladder.map((s) => [s.level, s.hours])).toEqual([
      ['L1', 16],
      ['L2', 24],
      ['L3', 48],
    ]);
    for (const team of TEAMS) {
      for (const step of matrix.ladder) {
        const c = matrix.contacts.find((x) => x.team === team && x.level === step.level);
        expect(c, `${team} ${step.level}`).toBeDefined();
        expect(c!.contact).toMatch(/@example\.com$/);
      }
    }
  });

  it('has an escalation role for every stuck reason of the catalogue', () => {
    const config = loadConfig(sharedDir);
    for (const reason of config.reasons.values()) expect(matrix.roles.get(reason.escalation), reason.name).toBeDefined();
  });

  it('climbs the ladder by order age: 16 h, 24 h, 48 h', () => {
    expect(ladderStep(matrix, 15.9)).toBeNull();
    expect(ladderStep(matrix, 16)?.level).toBe('L1');
    expect(ladderStep(matrix, 30)?.level).toBe('L2');
    expect(ladderStep(matrix, 48)?.level).toBe('L3');
    const young = escalationTarget(matrix, 'KYC_ops', 3, 'compliance_lead');
    expect(young.step).toBeNull();
    expect(young.contact?.level).toBe('L1');
    expect(young.contact?.team).toBe('KYC_ops');
    expect(young.specialist?.contact).toBe('compliance-lead@example.com');
    expect(escalationTarget(matrix, 'VDA_ops', 30, null).contact?.contact).toBe(
      matrix.contacts.find((c) => c.team === 'VDA_ops' && c.level === 'L2')?.contact,
    );
  });

  it('names the file and row of a broken table', () => {
    const text = readFileSync(escalationFile(sharedDir, {}), 'utf8').replace(
      '| Ops | L2 | Ops lead | ops-lead@example.com |',
      '| Ops | L2 | Ops lead | not-an-address |',
    );
    expect(() => parseEscalationMatrix(text, 'ESCALATION.md')).toThrow(
      /ESCALATION\.md: ## Contacts, row 2: Contact: expected an e-mail address/,
    );
    expect(() => parseEscalationMatrix('# Escalation\n\n## Ladder\n\nnothing here\n')).toThrow(/no "## Contacts" section/);
    const noLadder = readFileSync(escalationFile(sharedDir, {}), 'utf8').replace(
      /## Ladder\n[\s\S]*?(?=## Contacts)/,
      '## Ladder\n\nSee the wiki.\n\n',
    );
    expect(() => parseEscalationMatrix(noLadder)).toThrow(/"## Ladder" section has no table/);
  });
});
