import { rmSync } from 'node:fs';
import { openStateDb, openTicketStore } from '@ecm/core/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeSlack, type FakeSlack } from '../../core/src/slack/__fixtures__/fake-slack-api.js';
import { cliEnv, DEMO_AS_OF, FIELD_BIN, NOW, runNode, seedSmallDemo } from './__fixtures__/run-cli.js';

const ASHA = 'asha.ops@example.com';
const ticketsJson = z.object({ tickets: z.array(z.object({ order_id: z.string(), status: z.string(), completed: z.boolean() })) });

let home = '';
let slack: FakeSlack;
const asAsha = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) =>
  runNode(FIELD_BIN, [...args, '--agent', ASHA, '--as-of', NOW], cliEnv(home, extra));

async function ticketStatus(orderId: string): Promise<{ status: string | undefined; escalations: number }> {
  const state = await openStateDb({ env: { ECM_HOME: home } });
  try {
    const store = await openTicketStore(state, {});
    const escalations = (await store.listEscalations(new Date(DEMO_AS_OF))).filter((e) => e.order_id === orderId).length;
    return { status: (await store.getTicket(orderId))?.status, escalations };
  } finally {
    await state.close();
  }
}

beforeAll(async () => {
  home = await seedSmallDemo();
  slack = await startFakeSlack();
}, 600_000);
afterAll(async () => {
  await slack?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function openTickets(): Promise<string[]> {
  const r = await asAsha(['my-tickets', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return ticketsJson
    .parse(JSON.parse(r.stdout))
    .tickets.filter((t) => t.status === 'OPEN' && !t.completed)
    .map((t) => t.order_id);
}

describe('limits on what people type', () => {
  it('refuses a 120 kB escalation reason, naming the limit; nothing recorded', async () => {
    const [orderId] = await openTickets();
    const r = await asAsha(['escalate', orderId!, '--reason', 'x'.repeat(120_000)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the escalation reason is 120,000 characters; the limit is 2,000/);
    expect(await ticketStatus(orderId!)).toEqual({ status: 'OPEN', escalations: 0 });
  }, 180_000);

  it('refuses control characters in notes and reasons, and an over-long resolution note', async () => {
    const [orderId] = await openTickets();
    const reason = await asAsha(['escalate', orderId!, '--reason', 'partner silent\u001b[2J']);
    expect(reason.code).toBe(3);
    expect(reason.stderr).toMatch(/contains a control character \(U\+001B\)/);
    const notes = await asAsha(['resolve', orderId!, '--notes', 'n'.repeat(2_001)]);
    expect(notes.code).toBe(3);
    expect(notes.stderr).toMatch(/the resolution notes is 2,001 characters; the limit is 2,000/);
    expect((await ticketStatus(orderId!)).status).toBe('OPEN');
  }, 180_000);

  it('refuses an order id outside the documented pattern before any lookup', async () => {
    const r = await asAsha(['order', 'ORD-\u{1F600}']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/is not an order id \(1 to 64 of A-Z a-z 0-9 - _ \. :\)/);
  });
});

describe('an escalation is never recorded without its notification', () => {
  it('Slack refuses: nothing recorded, the ticket stays OPEN; the next escalate notifies and records', async () => {
    const [, orderId] = await openTickets();
    // The demo warehouse with a Slack token: only when asked for.
    const viaSlack = { ECM_DEMO: '1', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL_ID: 'C0TEST', SLACK_API_URL: slack.url };

    slack.respond((call) => (call.method === 'chat.postMessage' ? { body: { ok: false, error: 'channel_not_found' } } : undefined));
    const failed = await asAsha(['escalate', orderId!, '--reason', 'Lulu silent for 2 days'], viaSlack);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /the team could not be notified .*channel_not_found.*nothing was recorded and .* stays OPEN\. Run the same escalate again to retry/,
    );
    expect(slack.posted()).toHaveLength(0);
    expect(await ticketStatus(orderId!)).toEqual({ status: 'OPEN', escalations: 0 });

    slack.respond(() => undefined);
    const retried = await asAsha(['escalate', orderId!, '--reason', 'Lulu silent for 2 days'], viaSlack);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toMatch(/Team notified: Slack\./);
    expect(slack.posted()).toHaveLength(1);
    expect(JSON.stringify(slack.posted()[0]!.params)).toContain(orderId!);
    expect(await ticketStatus(orderId!)).toEqual({ status: 'ESCALATED', escalations: 1 });

    // Notified and recorded: a third escalate is refused, and posts nothing.
    const again = await asAsha(['escalate', orderId!, '--reason', 'still silent'], viaSlack);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already escalated/);
    expect(slack.posted()).toHaveLength(1);
  }, 300_000);
});
