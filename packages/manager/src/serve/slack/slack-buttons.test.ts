import { checkSlackLimits, type SlackMessage } from '@ecm/core/slack';
import type { OrderDetails } from '@ecm/gateway';
import { describe, expect, it } from 'vitest';
import { knownBlockValidator } from '../../../../core/src/slack/__fixtures__/known-block-validator.js';
import { renderAgentQueues, type TriageFacts } from '../../render/triage-message.js';
import { ASSIGNEE } from './__fixtures__/slack-app-harness.js';
import { renderOrderAnswer } from './order-answer.js';
import { ACTION } from './slack-actions.js';

type Assignment = TriageFacts['assignments'][number];
const assignment = (n: number): Assignment => ({
  order_id: `ORD-${String(80000 + n)}`,
  agent: '@amal.ops',
  agent_email: ASSIGNEE.email,
  priority: 'P2',
  score: 50,
  stuck_reason: 'refund_pending',
  currency: 'INR',
  send_amount: 1000,
  amount_aed: 44,
  send_amount_decimal: '1000.00',
  amount_aed_decimal: '44.00',
  hours: 30,
  high_value: false,
  action: 'Chase the refund <!channel>',
});

const facts = (count: number) =>
  ({
    report_time: 'Nov 30, 2026 07:00 IST',
    assignments: Array.from({ length: count }, (_, i) => assignment(i)),
  }) as unknown as TriageFacts;

function buttonsOf(message: SlackMessage): { action_id: string; value: string }[] {
  return [message, ...message.thread].flatMap((p) =>
    p.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as { action_id: string; value: string }[]) : [])),
  );
}

describe('buttons on the messages an agent acts from', () => {
  it("a direct-message queue carries Start / Resolve / Escalate for each of its tickets, valid Block Kit within Slack's limits", () => {
    const [queue] = renderAgentQueues(facts(23), new Map([[ASSIGNEE.email, 'D0000AMAL']]));
    expect(queue).toBeDefined();
    const buttons = buttonsOf(queue!);
    expect(buttons).toHaveLength(23 * 3);
    for (let n = 0; n < 23; n++) {
      expect(buttons.filter((b) => b.value === `ORD-${80000 + n}`).map((b) => b.action_id)).toEqual([
        ACTION.start,
        ACTION.resolve,
        ACTION.escalate,
      ]);
    }
    expect(checkSlackLimits(queue!)).toEqual([]);
    const validate = knownBlockValidator();
    const blocks = [queue!, ...queue!.thread].flatMap((p) => p.blocks);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.flatMap((b) => validate(b))).toEqual([]);
    // The data in the lines stays escaped: a broadcast in an action text is shown, never sent.
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
  });

  it('the order answer escapes every value and offers the buttons only to the assignee of an open ticket', async () => {
    const details = {
      order_id: 'ORD-80001',
      as_of: '2026-11-30T06:00:00Z',
      order: {
        status: 'PROCESSING',
        sub_state: 'PAYOUT <@U0ADMIN>',
        currency: 'INR',
        send_amount: 1000,
        receive_amount: 1000,
        acquirer: 'x',
        owner_id: 'o',
        created_at: '2026-11-28T06:00:00Z',
        updated_at: null,
        hours: 48,
      },
      customer: { full_name: 'R*** K***', email: 'r***@***', phone: '***', masked: true },
      systems: [],
      timeline: [{ at: '2026-11-28T06:00:00Z', system: 'goms', record_id: 'r1', event: 'created', status: '<!here>', detail: null }],
      diagnosis: {
        stuck_reason: 'refund_pending',
        team: 'Ops',
        summary: 'Refund <https://evil.example.com|click here> pending',
        action: 'Chase it & close',
        runbook: 'refund_pending',
        escalation: 'finance',
        sla_hours: 24,
        severity: 2,
        monitor_only: false,
        customer_impact: true,
        category: 'refund',
        score: 50,
        priority: 'P2',
        high_value: false,
        amount_aed: 44,
        actionable: true,
        factors: [],
        disqualification: null,
      },
      reveal_refused: null,
      not_a_candidate: null,
      triage_as_of: null,
      warnings: ['RFI row stale <!everyone>'],
    } as unknown as OrderDetails;
    const ticket = {
      order_id: 'ORD-80001',
      agent_email: ASSIGNEE.email,
      assigned_at: '2026-11-30T06:00:00Z',
      status: 'OPEN' as const,
      priority: 'P2' as const,
      currency: 'INR',
      amount: 1000,
      hours_stuck: 48,
      diagnosis: 'refund_pending',
      notes: '',
      updated_at: '2026-11-30T06:00:00Z',
    };
    const mine = await renderOrderAnswer(details, ticket, ASSIGNEE);
    const text = JSON.stringify(mine.blocks);
    for (const raw of ['<!channel>', '<!here>', '<!everyone>', '<@U0ADMIN>', '<https://evil.example.com|click here>'])
      expect(text).not.toContain(raw);
    expect(text).toContain('&lt;https://evil.example.com|click here&gt;');
    expect(text).toContain('Chase it &amp; close');
    expect(mine.blocks.filter((b) => b.type === 'actions')).toHaveLength(1);
    const validate = knownBlockValidator();
    expect(mine.blocks.flatMap((b) => validate(b))).toEqual([]);

    const someoneElse = await renderOrderAnswer(details, ticket, { ...ASSIGNEE, email: 'basel.ops@example.com' });
    expect(someoneElse.blocks.filter((b) => b.type === 'actions')).toEqual([]);
    expect(JSON.stringify(someoneElse.blocks)).toContain(`assigned to ${ASSIGNEE.email}`);
  });
});
