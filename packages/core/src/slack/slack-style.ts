import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from './slack-message.js';

export interface SlackStyleProblem {
  where: string;
  block: number;
  problem: string;
}

// Shortcodes need a letter, so times such as 07:00:00 are not counted.
const SHORTCODE = /:[a-z0-9_+-]*[a-z][a-z0-9_+-]*:/g;
const PICTOGRAPH = /\p{Extended_Pictographic}/gu;

function emojiCount(text: string): number {
  return (text.match(SHORTCODE)?.length ?? 0) + (text.match(PICTOGRAPH)?.length ?? 0);
}

/** Text outside code blocks, where mrkdwn formatting applies. */
function prose(text: string): string {
  return text.replace(/```[\s\S]*?```/g, '');
}

function blockProblems(block: KnownBlock): string[] {
  const problems: string[] = [];
  const headings =
    block.type === 'header' ? [block.text.text] : block.type === 'section' && block.text ? [block.text.text.split('\n')[0] ?? ''] : [];
  for (const heading of headings) {
    const n = emojiCount(heading);
    if (n > 1) problems.push(`heading "${heading}" has ${n} emoji (at most one)`);
  }
  const text = block.type === 'section' ? prose([block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text)].join('\n')) : '';
  if (/\*\*[^*\n]+\*\*/.test(text)) problems.push('uses Markdown **bold**; Slack mrkdwn is *bold*');
  if (/^\s*\|.*\|\s*$/m.test(text) && /^\s*\|?\s*:?-{3,}/m.test(text)) {
    problems.push('contains a Markdown table; put aligned data in a code block (codeTable)');
  }
  return problems;
}

/**
 * §10's formatting rules that Slack itself would not reject: mrkdwn `*bold*`, no Markdown tables,
 * at most one emoji per heading. Renderers assert this is empty in their tests.
 */
export function checkSlackStyle(message: SlackMessage): SlackStyleProblem[] {
  const posts = [
    { where: 'main message', blocks: message.blocks },
    ...message.thread.map((t, i) => ({ where: `thread reply ${i + 1}`, blocks: t.blocks })),
  ];
  return posts.flatMap(({ where, blocks }) =>
    blocks.flatMap((block, i) => blockProblems(block).map((problem) => ({ where, block: i + 1, problem }))),
  );
}
