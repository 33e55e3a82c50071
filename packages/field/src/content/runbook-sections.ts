import { numberedItems, sections } from './markdown-sections.js';

/** The sections every runbook has, in order (§5: symptoms, confirm, steps, escalation, verification). */
export const RUNBOOK_SECTIONS = ['What is wrong', 'Symptoms', 'Confirm', 'Steps', 'Escalate', 'Verify the fix'] as const;

export interface RunbookParts {
  readonly title: string | null;
  readonly whatIsWrong: string | null;
  readonly steps: readonly string[];
  /** The bullet lines of "Escalate". */
  readonly escalate: readonly string[];
  readonly verify: readonly string[];
  readonly missing: readonly string[];
}

const bullets = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .filter((l) => /^\s*-\s+/.test(l))
    .map((l) => l.replace(/^\s*-\s+/, '').trim());

/** The parts of a runbook the terminal shows: what is wrong, the numbered steps, whom to escalate to. */
export function runbookParts(markdown: string): RunbookParts {
  const s = sections(markdown);
  const steps = s.get('Steps');
  return {
    title: /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? null,
    whatIsWrong: s.get('What is wrong')?.replace(/\s*\n\s*/g, ' ') ?? null,
    steps: steps ? numberedItems(steps) : [],
    escalate: bullets(s.get('Escalate')),
    verify: bullets(s.get('Verify the fix')),
    missing: RUNBOOK_SECTIONS.filter((name) => !s.get(name)),
  };
}
