import type { KnownBlock } from '@slack/types';
import type { SlackMessage, SlackPost } from './slack-message.js';

/** Slack's hard limits, plus §10's length rules for what people read in the channel. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionTextChars: 3000,
  headerTextChars: 150,
  fieldsPerSection: 10,
  fieldTextChars: 2000,
  contextElements: 10,
  /** The main message of a report must stay under this many characters. */
  mainMessageChars: 2000,
  /** The error alert must stay under this many characters. */
  errorAlertChars: 500,
} as const;

export interface SlackLimitViolation {
  /** "main message" or "thread reply 3" (1-based). */
  where: string;
  /** 1-based block number, when one block is at fault. */
  block?: number;
  problem: string;
}

/** Thrown before anything is posted when a message breaks a limit. */
export class SlackLimitError extends Error {
  constructor(
    readonly title: string,
    readonly violations: readonly SlackLimitViolation[],
  ) {
    super(
      `Slack message "${title}" breaks ${violations.length} limit(s), nothing was posted: ${violations.map(describeViolation).join('; ')}`,
    );
    this.name = 'SlackLimitError';
  }
}

export function describeViolation(v: SlackLimitViolation): string {
  return `${v.where}${v.block === undefined ? '' : `, block ${v.block}`}: ${v.problem}`;
}

// A live broadcast mention: escaped data reads `&lt;!channel&gt;` and never matches.
const BROADCAST = /<!(channel|here|everyone)\b[^>]*>|<!subteam\^[^>]*>/;

/** The characters a reader sees in a block (what §10's length rules count). */
export function blockTextLength(block: KnownBlock): number {
  return blockTexts(block).reduce((sum, t) => sum + t.length, 0);
}

function blockTexts(block: KnownBlock): string[] {
  switch (block.type) {
    case 'header':
      return [block.text.text];
    case 'section':
      return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
    case 'context':
      return block.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []));
    default:
      return [];
  }
}

/** Texts Slack parses as mrkdwn (plain_text, as in headers, is shown literally). */
function mrkdwnTexts(block: KnownBlock): string[] {
  const texts =
    block.type === 'section'
      ? [...(block.text ? [block.text] : []), ...(block.fields ?? [])]
      : block.type === 'context'
        ? block.elements
        : [];
  return texts.flatMap((t) => (t.type === 'mrkdwn' ? [t.text] : []));
}

function checkBlock(block: KnownBlock): string[] {
  const problems: string[] = [];
  const L = SLACK_LIMITS;
  if (block.type === 'header') {
    const n = [...block.text.text].length;
    if (n > L.headerTextChars) problems.push(`header text is ${n} characters (limit ${L.headerTextChars})`);
    if (n === 0) problems.push('header text is empty');
  }
  if (block.type === 'section') {
    const text = block.text?.text;
    const fieldList = block.fields ?? [];
    if (text === undefined && fieldList.length === 0) problems.push('section has neither text nor fields');
    if (text !== undefined && text.length === 0) problems.push('section text is empty');
    if (text !== undefined && text.length > L.sectionTextChars) {
      problems.push(`section text is ${text.length} characters (limit ${L.sectionTextChars})`);
    }
    if (fieldList.length > L.fieldsPerSection) {
      problems.push(`section has ${fieldList.length} fields (limit ${L.fieldsPerSection})`);
    }
    fieldList.forEach((f, i) => {
      if (f.text.length > L.fieldTextChars) {
        problems.push(`field ${i + 1} is ${f.text.length} characters (limit ${L.fieldTextChars})`);
      }
    });
  }
  if (block.type === 'context' && block.elements.length > L.contextElements) {
    problems.push(`context has ${block.elements.length} elements (limit ${L.contextElements})`);
  }
  if (mrkdwnTexts(block).some((t) => BROADCAST.test(t))) {
    problems.push('contains a live broadcast mention (<!channel>/<!here>/<!everyone>): escape data with escapeMrkdwn');
  }
  return problems;
}

function checkPost(post: SlackPost, where: string): SlackLimitViolation[] {
  const out: SlackLimitViolation[] = [];
  if (post.text.trim().length === 0) out.push({ where, problem: 'fallback text is empty (Slack notifications show it)' });
  if (BROADCAST.test(post.text)) {
    out.push({ where, problem: 'fallback text contains a live broadcast mention: escape data with escapeMrkdwn' });
  }
  if (post.blocks.length > SLACK_LIMITS.blocksPerMessage) {
    out.push({ where, problem: `${post.blocks.length} blocks (limit ${SLACK_LIMITS.blocksPerMessage})` });
  }
  post.blocks.forEach((block, i) => {
    for (const problem of checkBlock(block)) out.push({ where, block: i + 1, problem });
  });
  return out;
}

/** Every limit the message breaks; an empty list means it can be posted as is. */
export function checkSlackLimits(message: SlackMessage): SlackLimitViolation[] {
  const where = 'main message';
  const out = checkPost(message, where);
  const isAlert = message.kind === 'error';
  const limit = isAlert ? SLACK_LIMITS.errorAlertChars : SLACK_LIMITS.mainMessageChars;
  const name = isAlert ? 'error alert' : 'main message';
  const visible = message.blocks.reduce((sum, b) => sum + blockTextLength(b), 0);
  if (visible >= limit) out.push({ where, problem: `${name} shows ${visible} characters (must be under ${limit})` });
  if (message.text.length >= limit) {
    out.push({ where, problem: `${name} fallback text is ${message.text.length} characters (must be under ${limit})` });
  }
  message.thread.forEach((reply, i) => {
    out.push(...checkPost(reply, `thread reply ${i + 1}`));
  });
  return out;
}
