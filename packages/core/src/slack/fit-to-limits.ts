import type { KnownBlock, SectionBlock } from '@slack/types';
import { blockTextLength, SLACK_LIMITS } from './slack-limits.js';
import type { SlackMessage, SlackPost } from './slack-message.js';

/** Opens every part of a split section after the first. */
export const CONTINUED_MARK = '_(continued)_';
const FENCE = '```';
const TABLE_RULE = /^-+( +-+)*$/;

/**
 * Splits section text at line boundaries into parts of at most `firstLimit` (first part) and
 * `restLimit` characters. A code block cut in two is closed and reopened, and a table's heading
 * (the line above a `---` rule) is repeated, so every part reads on its own. Nothing is dropped:
 * a single line longer than a part is kept whole and left for checkSlackLimits to report.
 */
export function splitSectionText(text: string, firstLimit: number, restLimit = firstLimit): string[] {
  if (text.length <= firstLimit) return [text];
  const lines = text.split('\n');
  const parts: string[][] = [];
  let current: string[] = [];
  let limit = firstLimit;
  let inFence = false;
  let tableHead: string[] = [];
  let headLinesLeft = 0;
  let dataLines = 0;

  const length = (part: string[]) => part.join('\n').length;
  const startPart = () => {
    parts.push(current);
    current = [CONTINUED_MARK, ...(inFence ? [FENCE, ...tableHead] : [])];
    limit = restLimit;
    dataLines = 0;
  };

  lines.forEach((line, i) => {
    const trimmed = line.trim();
    const closesFence = inFence && trimmed.endsWith(FENCE);
    const isHead = headLinesLeft > 0;
    if (!isHead && dataLines > 0) {
      const closingCost = inFence && !closesFence ? FENCE.length + 1 : 0;
      if (length([...current, line]) + closingCost > limit) {
        if (inFence) current.push(FENCE);
        startPart();
      }
    }
    current.push(line);
    if (isHead) {
      headLinesLeft--;
    } else if (!inFence && trimmed.startsWith(FENCE) && !(trimmed.length > FENCE.length && trimmed.endsWith(FENCE))) {
      inFence = true;
      const rule = lines[i + 2] ?? '';
      tableHead = TABLE_RULE.test(rule) ? [lines[i + 1] ?? '', rule] : [];
      headLinesLeft = tableHead.length;
      dataLines = 0; // the first row stays with the fence and heading
    } else {
      if (closesFence) inFence = false;
      dataLines++;
    }
  });
  parts.push(current);
  return parts.map((p) => p.join('\n'));
}

function withText(block: SectionBlock, text: string, first: boolean): SectionBlock {
  const textObject = block.text ?? { type: 'mrkdwn' as const, text };
  return first ? { ...block, text: { ...textObject, text } } : { type: 'section', text: { ...textObject, text } };
}

/** Section text over Slack's limit, split into parts. */
function sectionParts(block: KnownBlock): string[] | undefined {
  if (block.type !== 'section' || !block.text || block.text.text.length <= SLACK_LIMITS.sectionTextChars) return undefined;
  return splitSectionText(block.text.text, SLACK_LIMITS.sectionTextChars);
}

/** One post as several: a split section continues in a new post, and no post holds over 50 blocks. */
function fitPost(post: SlackPost): SlackPost[] {
  const posts: KnownBlock[][] = [[]];
  const push = (block: KnownBlock, newPost: boolean) => {
    let current = posts[posts.length - 1] as KnownBlock[];
    if (newPost || current.length >= SLACK_LIMITS.blocksPerMessage) {
      current = [];
      posts.push(current);
    }
    current.push(block);
  };
  for (const block of post.blocks) {
    const parts = sectionParts(block);
    if (!parts || block.type !== 'section') push(block, false);
    else
      parts.forEach((text, k) => {
        push(withText(block, text, k === 0), k > 0);
      });
  }
  return posts.map((blocks, i) => ({ text: i === 0 ? post.text : `${post.text} (continued)`, blocks }));
}

const visibleLength = (blocks: readonly KnownBlock[]) => blocks.reduce((sum, b) => sum + blockTextLength(b), 0);

/**
 * Reshapes a message to Slack's limits without losing data: an over-long table continues in extra
 * thread replies marked "(continued)", and so does a table that pushes the main message over its
 * length limit. Anything it cannot fix (a long summary sentence) is left for checkSlackLimits.
 */
export function fitToLimits(message: SlackMessage): SlackMessage {
  const [main, ...movedFromMain] = fitPost(message) as [SlackPost, ...SlackPost[]];
  const limit = message.kind === 'error' ? SLACK_LIMITS.errorAlertChars : SLACK_LIMITS.mainMessageChars;
  const blocks = [...main.blocks];
  const tableOverflow: SlackPost[][] = blocks.map(() => []);
  // Largest tables first: each one moved shortens the main message the most.
  const tables = blocks
    .map((block, index) => ({ block, index }))
    .filter(({ block }) => block.type === 'section' && (block.text?.text.includes(FENCE) ?? false))
    .sort((a, b) => blockTextLength(b.block) - blockTextLength(a.block));
  for (const { index } of tables) {
    const visible = visibleLength(blocks);
    if (visible < limit) break;
    const block = blocks[index] as SectionBlock;
    const text = block.text?.text ?? '';
    const budget = limit - 1 - (visible - text.length);
    if (budget <= 0) continue;
    const [first, ...rest] = splitSectionText(text, budget, SLACK_LIMITS.sectionTextChars);
    if (first === undefined || rest.length === 0 || first.length > budget) continue;
    blocks[index] = withText(block, first, true);
    tableOverflow[index] = rest.map((part) => ({
      text: `${message.title} (continued)`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: part } }],
    }));
  }
  return {
    ...message,
    text: main.text,
    blocks,
    thread: [...tableOverflow.flat(), ...movedFromMain, ...message.thread.flatMap(fitPost)],
  };
}
