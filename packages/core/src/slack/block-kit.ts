import type { ContextBlock, DividerBlock, HeaderBlock, MrkdwnElement, SectionBlock } from '@slack/types';

/** Slack's limit for a header block's text. */
export const HEADER_MAX_CHARS = 150;

/**
 * A header block. Header text is plain_text: Slack shows it literally (no mentions, no links),
 * so it needs no escaping. A title longer than 150 characters is shortened with "…" — a header
 * only names a report, the data lives in the sections.
 */
export function header(text: string): HeaderBlock {
  const chars = [...text];
  const clipped = chars.length > HEADER_MAX_CHARS ? `${chars.slice(0, HEADER_MAX_CHARS - 1).join('')}…` : text;
  return { type: 'header', text: { type: 'plain_text', text: clipped, emoji: true } };
}

function mrkdwnText(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text };
}

/** A section of mrkdwn. The caller escapes data in it (`md`, `escapeMrkdwn`). */
export function section(mrkdwn: string): SectionBlock {
  return { type: 'section', text: mrkdwnText(mrkdwn) };
}

/** A section shown as two columns of short mrkdwn fields (Slack allows at most 10). */
export function fields(items: readonly string[]): SectionBlock {
  return { type: 'section', fields: items.map(mrkdwnText) };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

/** Small grey footnote text (mrkdwn, at most 10 elements). */
export function context(...mrkdwn: string[]): ContextBlock {
  return { type: 'context', elements: mrkdwn.map(mrkdwnText) };
}
