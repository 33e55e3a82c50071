import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultSharedDir, loadConfig } from '@ecm/core/domain';
import { describe, expect, it } from 'vitest';
import { RUNBOOK_SECTIONS, runbookParts } from './runbook-sections.js';

const config = loadConfig(defaultSharedDir());
const reasons = [...config.reasons.values()];

describe('runbook coverage', () => {
  it('covers the whole catalogue', () => {
    expect(reasons.length).toBeGreaterThanOrEqual(20);
  });

  it.each(reasons.map((r) => [r.name, r] as const))('%s has a runbook with every section and numbered steps', (name, reason) => {
    const file = path.join(config.sharedDir, reason.runbook);
    expect(existsSync(file), `${reason.runbook} for ${name}`).toBe(true);
    const parts = runbookParts(readFileSync(file, 'utf8'));
    expect(parts.missing, `${reason.runbook} lacks sections`).toEqual([]);
    expect(parts.steps.length, 'numbered steps').toBeGreaterThanOrEqual(2);
    expect(parts.whatIsWrong?.length ?? 0).toBeGreaterThan(40);
    expect(parts.escalate.length).toBeGreaterThan(0);
    expect(parts.verify.length).toBeGreaterThan(0);
  });

  it('reports what a broken runbook lacks', () => {
    const parts = runbookParts(
      '# X\n\n## What is wrong\nSomething.\n\n## Steps\n1. One\n   more of one\n2. Two\n\n```sql\n## not a heading\n```\n',
    );
    expect(parts.missing).toEqual(RUNBOOK_SECTIONS.filter((s) => s !== 'What is wrong' && s !== 'Steps'));
    expect(parts.steps).toEqual(['One more of one', 'Two']);
  });
});
