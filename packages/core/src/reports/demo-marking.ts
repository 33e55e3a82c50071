import type { KnownBlock } from '@slack/types';
import { header } from '../slack/block-kit.js';
import type { SlackMessage } from '../slack/slack-message.js';
import { DEMO_MARK, demoTitle } from '../warehouse/warehouse-source.js';

function markBlock(block: KnownBlock): KnownBlock {
  if (block.type === 'header') return header(demoTitle(block.text.text));
  if (block.type === 'section' && block.text) return { ...block, text: { ...block.text, text: `*${DEMO_MARK}* ${block.text.text}` } };
  return block;
}

/**
 * A message built from demo data, marked so where people read it: the title, the notification
 * text and the first heading (or first section) all start with [DEMO]. Marking twice changes nothing.
 */
export function markDemo(message: SlackMessage): SlackMessage {
  if (message.title.startsWith(DEMO_MARK)) return message;
  const first = message.blocks.findIndex((b) => b.type === 'header' || (b.type === 'section' && b.text));
  const blocks = message.blocks.map((b, i) => (i === first ? markBlock(b) : b));
  return { ...message, title: demoTitle(message.title), text: demoTitle(message.text), blocks };
}
