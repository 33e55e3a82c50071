import type { KnownBlock } from '@slack/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { knownBlockValidator } from './__fixtures__/known-block-validator.js';
import { divider, fields, header, section } from './block-kit.js';
import { codeTable } from './code-block.js';
import { CONTINUED_MARK, fitToLimits, splitSectionText } from './fit-to-limits.js';
import { checkSlackLimits, SLACK_LIMITS } from './slack-limits.js';
import type { SlackMessage } from './slack-message.js';
import { checkSlackStyle } from './slack-style.js';

let validate: (block: unknown) => string[];
beforeAll(() => {
  validate = knownBlockValidator();
});

const message = (blocks: KnownBlock[], thread: SlackMessage['thread'] = [], kind?: 'error'): SlackMessage => ({
  title: 'ECM Triage',
  text: 'ECM Triage',
  blocks,
  thread,
  ...(kind ? { kind } : {}),
});
const problems = (m: SlackMessage) => checkSlackLimits(m).map((v) => `${v.where}: ${v.problem}`);

describe('checkSlackLimits', () => {
  it('accepts a message at the limits', () => {
    const reply = { text: 'r', blocks: Array.from({ length: 50 }, () => section('x'.repeat(3000))) };
    expect(problems(message([section('y'.repeat(1999))], [reply]))).toEqual([]);
  });

  it('reports each limit one past the edge', () => {
    const tooMany = { text: 'r', blocks: Array.from({ length: 51 }, () => divider()) };
    const header: KnownBlock = { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } };
    const longSection = { text: 'r', blocks: [section('x'.repeat(3001))] };
    const elevenFields = { text: 'r', blocks: [fields(Array.from({ length: 11 }, (_, i) => `f${i}`))] };
    const found = problems(message([header], [tooMany, longSection, elevenFields]));
    expect(found).toEqual([
      'main message: header text is 151 characters (limit 150)',
      'thread reply 1: 51 blocks (limit 50)',
      'thread reply 2: section text is 3001 characters (limit 3000)',
      'thread reply 3: section has 11 fields (limit 10)',
    ]);
  });

  it('keeps the main message under 2,000 characters and the error alert under 500', () => {
    expect(problems(message([section('y'.repeat(2000))]))).toEqual([
      'main message: main message shows 2000 characters (must be under 2000)',
    ]);
    expect(problems(message([section('e'.repeat(499))], [], 'error'))).toEqual([]);
    expect(problems(message([section('e'.repeat(500))], [], 'error'))).toEqual([
      'main message: error alert shows 500 characters (must be under 500)',
    ]);
    expect(problems({ ...message([section('ok')]), text: 't'.repeat(2000) })).toEqual([
      'main message: main message fallback text is 2000 characters (must be under 2000)',
    ]);
  });

  it('rejects empty text, which Slack refuses', () => {
    expect(problems({ ...message([section('')]), text: ' ' })).toEqual([
      'main message: fallback text is empty (Slack notifications show it)',
      'main message: section text is empty',
    ]);
  });
});

/** The rows of every code block in the posts, in order, without headings and rules. */
function tableRows(posts: SlackMessage['thread']): string[] {
  return posts.flatMap((p) =>
    p.blocks.flatMap((b) => {
      const text = b.type === 'section' ? (b.text?.text ?? '') : '';
      const code = /```\n([\s\S]*?)\n```/.exec(text)?.[1];
      return code ? code.split('\n').slice(2) : [];
    }),
  );
}

describe('fitToLimits', () => {
  const rows = Array.from({ length: 260 }, (_, i) => [`ORD-${String(i).padStart(5, '0')}`, `agent${i % 7}@example.com`, 1000 + i * 37]);
  const bigTable = `*Full assignment list*\n${codeTable(['Order', 'Agent', 'Amount AED'], rows)}`;
  const [tableHead, tableRule] = bigTable.split('\n').slice(2, 4);

  it('leaves a message within the limits unchanged', () => {
    const ok = message([section('*12* orders')], [{ text: 'list', blocks: [section(codeTable(['a'], [[1]]))] }]);
    expect(fitToLimits(ok)).toEqual(ok);
  });

  it('continues an over-long table in extra thread replies, losing no row', () => {
    expect(bigTable.length).toBeGreaterThan(3 * SLACK_LIMITS.sectionTextChars);
    const original = message(
      [section('*260* orders assigned')],
      [
        { text: 'Full assignment list', blocks: [bigTable, 'after the table'].map(section) },
        { text: 'ops.one', blocks: [section('one agent')] },
      ],
    );
    const fitted = fitToLimits(original);
    expect(checkSlackLimits(fitted)).toEqual([]);
    expect(fitted.blocks).toEqual(original.blocks);

    const parts = fitted.thread.slice(0, -1);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(tableRows(parts)).toEqual(tableRows([{ text: '', blocks: [section(bigTable)] }]));
    expect(tableRows(parts)).toHaveLength(260);
    parts.forEach((part, i) => {
      const text = part.blocks[0]?.type === 'section' ? (part.blocks[0].text?.text ?? '') : '';
      expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionTextChars);
      expect(text).toContain(`\`\`\`\n${tableHead}\n${tableRule}\n`);
      expect(text.endsWith('```')).toBe(true);
      if (i === 0) {
        expect(part.text).toBe('Full assignment list');
        expect(text.startsWith('*Full assignment list*')).toBe(true);
      } else {
        expect(part.text).toBe('Full assignment list (continued)');
        expect(text.startsWith(CONTINUED_MARK)).toBe(true);
      }
      for (const block of part.blocks) expect(validate(block)).toEqual([]);
    });
    // What followed the table stays after it, and later replies keep their order.
    expect(parts.at(-1)?.blocks.at(-1)).toEqual(section('after the table'));
    expect(fitted.thread.at(-1)).toEqual({ text: 'ops.one', blocks: [section('one agent')] });
  });

  it('moves table rows out of a main message over 2,000 characters into the thread', () => {
    const table = codeTable(
      ['Order', 'Amount'],
      rows.slice(0, 150).map((r) => [r[0] as string, r[2] as number]),
    );
    const original = message([section('*150* critical orders'), section(table)], [{ text: 'next', blocks: [section('n')] }]);
    expect(problems(original)).toEqual([expect.stringContaining('must be under 2000')]);
    const fitted = fitToLimits(original);
    expect(checkSlackLimits(fitted)).toEqual([]);
    expect(fitted.blocks[0]).toEqual(section('*150* critical orders'));
    const moved = fitted.thread.slice(0, -1);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((p) => p.text === 'ECM Triage (continued)')).toBe(true);
    expect(tableRows([{ text: '', blocks: fitted.blocks }, ...moved])).toEqual(tableRows([{ text: '', blocks: original.blocks }]));
    expect(fitted.thread.at(-1)).toEqual({ text: 'next', blocks: [section('n')] });
  });

  it('splits a reply of more than 50 blocks', () => {
    const blocks = Array.from({ length: 120 }, (_, i) => section(`line ${i}`));
    const fitted = fitToLimits(message([section('m')], [{ text: 'agents', blocks }]));
    expect(fitted.thread.map((p) => p.blocks.length)).toEqual([50, 50, 20]);
    expect(fitted.thread.map((p) => p.text)).toEqual(['agents', 'agents (continued)', 'agents (continued)']);
    expect(fitted.thread.flatMap((p) => p.blocks)).toEqual(blocks);
  });

  it('never truncates: a single line longer than a section is kept and still reported', () => {
    const huge = `\`\`\`\n${'z'.repeat(3100)}\n\`\`\``;
    const fitted = fitToLimits(message([section('m')], [{ text: 'r', blocks: [section(huge)] }]));
    expect(JSON.stringify(fitted)).toContain('z'.repeat(3100));
    expect(problems(fitted)).toEqual([expect.stringMatching(/section text is \d+ characters \(limit 3000\)/)]);
  });

  it('splits plain text at line boundaries, marking continuations', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${i}: ${'w'.repeat(90)}`);
    const parts = splitSectionText(lines.join('\n'), 1000);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.every((p) => p.length <= 1000)).toBe(true);
    expect(parts.slice(1).length).toBeGreaterThan(0);
    expect(parts.slice(1).every((p) => p.startsWith(`${CONTINUED_MARK}\n`))).toBe(true);
    expect(parts.flatMap((p) => p.split('\n')).filter((l) => l !== CONTINUED_MARK)).toEqual(lines);
  });
});

describe('checkSlackStyle', () => {
  it('accepts the §10 formats', () => {
    const ok = message([
      header(':bar_chart: ECM Backlog — Feb 17, 2026 07:00:00 IST'),
      section('*ECM Backlog* — *412* actionable'),
      section(codeTable(['a', 'b'], [['**x**', '|---|']])),
    ]);
    expect(checkSlackStyle(ok)).toEqual([]);
  });

  it('flags Markdown bold, Markdown tables and more than one emoji in a heading', () => {
    const bad = message(
      [header(':bar_chart: :rotating_light: ECM'), section('🎯🔥 *Triage*\n**412** orders')],
      [{ text: 't', blocks: [section('| a | b |\n|---|---|\n| 1 | 2 |')] }],
    );
    expect(checkSlackStyle(bad).map((p) => `${p.where} ${p.block}: ${p.problem}`)).toEqual([
      'main message 1: heading ":bar_chart: :rotating_light: ECM" has 2 emoji (at most one)',
      'main message 2: heading "🎯🔥 *Triage*" has 2 emoji (at most one)',
      'main message 2: uses Markdown **bold**; Slack mrkdwn is *bold*',
      'thread reply 1 1: contains a Markdown table; put aligned data in a code block (codeTable)',
    ]);
  });
});
