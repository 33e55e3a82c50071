import type { ActionsBlock, Button, SectionBlock } from '@slack/types';

/**
 * The action ids of the buttons the reports carry, and the callback ids of the modals they open.
 * Stable: a message posted days ago still carries them, so renaming one breaks its buttons.
 */
export const ACTION = {
  start: 'ecm_ticket_start',
  resolve: 'ecm_ticket_resolve',
  escalate: 'ecm_ticket_escalate',
  approve: 'ecm_proposal_approve',
  reject: 'ecm_proposal_reject',
} as const;

export const VIEW = {
  resolve: 'ecm_resolve_modal',
  escalate: 'ecm_escalate_modal',
  reject: 'ecm_reject_modal',
} as const;

/** Slack's limit for a button value. */
const VALUE_MAX = 2000;

function button(actionId: string, label: string, value: string, style?: 'primary' | 'danger'): Button {
  if (value.length > VALUE_MAX) throw new Error(`a button value is at most ${VALUE_MAX} characters`);
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: label, emoji: false },
    value,
    ...(style ? { style } : {}),
  };
}

/** Start / Resolve / Escalate for one ticket; the value is the order id (the ticket's key). */
export function ticketButtons(orderId: string): ActionsBlock {
  return {
    type: 'actions',
    // Unique per message: Slack rejects a message whose blocks repeat a block_id.
    block_id: `ecm_ticket:${orderId}`.slice(0, 255),
    elements: [
      button(ACTION.start, 'Start', orderId),
      button(ACTION.resolve, 'Resolve', orderId, 'primary'),
      button(ACTION.escalate, 'Escalate', orderId, 'danger'),
    ],
  };
}

/** Approve / Reject for one fix proposal; the value is the proposal id. */
export function proposalButtons(proposalId: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: `ecm_proposal:${proposalId}`.slice(0, 255),
    elements: [button(ACTION.approve, 'Approve', proposalId, 'primary'), button(ACTION.reject, 'Reject', proposalId, 'danger')],
  };
}

/**
 * A queue of tickets with their buttons: each ticket's line (mrkdwn, escaped by the caller) followed
 * by its Start / Resolve / Escalate. Two blocks a ticket, so a post of 10 tickets stays far below
 * Slack's 50 blocks.
 */
export function ticketLinesWithButtons(
  items: readonly { readonly orderId: string; readonly mrkdwn: string }[],
): (SectionBlock | ActionsBlock)[] {
  return items.flatMap((i) => [
    { type: 'section', text: { type: 'mrkdwn', text: i.mrkdwn } } satisfies SectionBlock,
    ticketButtons(i.orderId),
  ]);
}
