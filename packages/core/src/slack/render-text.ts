import type { KnownBlock, PlainTextElement, MrkdwnElement } from '@slack/types';
import { unescapeMrkdwn } from './mrkdwn.js';

const RULE = '─'.repeat(48);

/** Terminal-safe text: control characters (escape sequences) from data are made visible, not executed. */
function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function textOf(element: PlainTextElement | MrkdwnElement): string {
  return terminalSafe(element.type === 'mrkdwn' ? unescapeMrkdwn(element.text) : element.text);
}

/** Mrkdwn as a person would read it: code fences dropped and their lines indented. */
function mrkdwnLines(text: string): string[] {
  const out: string[] = [];
  let inCode = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '```') {
      inCode = !inCode;
      continue;
    }
    out.push(inCode ? `  ${line}` : line);
  }
  return out;
}

function blockLines(block: KnownBlock): string[] {
  switch (block.type) {
    case 'header': {
      const title = textOf(block.text);
      return [title, '═'.repeat(Math.min([...title].length, 60))];
    }
    case 'section':
      return [
        ...(block.text ? mrkdwnLines(textOf(block.text)) : []),
        ...(block.fields ?? []).map((f) => `  ${textOf(f).replace(/\n/g, ': ')}`),
      ];
    case 'divider':
      return [RULE];
    case 'context':
      return [block.elements.flatMap((e) => (e.type === 'mrkdwn' || e.type === 'plain_text' ? [textOf(e)] : [])).join(' · ')];
    default:
      return [`[${block.type} block]`];
  }
}

/** A readable text rendering of Block Kit blocks (used by the outbox). */
export function renderBlocksAsText(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap(blockLines);
}
