import { containsEmail } from '@ecm/core/text';
import { defaultSharedDir, runTriage } from '@ecm/core/domain';
import { openPglite, PgliteWarehouse } from '@ecm/core/warehouse';
import { seedWarehouse } from '@ecm/core/demo';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeSocketMode, type FakeSocketMode } from './__fixtures__/fake-socket-mode.js';
import { ASSIGNEE, startHarness, ticket, triggerDeps, USERS, type Harness } from './__fixtures__/slack-app-harness.js';
import { ACTION } from './slack-actions.js';
import { createSlackTrigger, type SlackTrigger } from './slack-app.js';

const AS_OF = new Date('2026-02-17T01:30:00.000Z');
let socket: FakeSocketMode;
let h: Harness;
let trigger: SlackTrigger;
let warehouse: PgliteWarehouse;
let orderId: string;
let stuckReason: string;

beforeAll(async () => {
  warehouse = new PgliteWarehouse(await openPglite(), 'in-memory test warehouse');
  await seedWarehouse(warehouse, { sharedDir: defaultSharedDir(), seed: 11, orders: 3_000, days: 30, asOf: AS_OF, stuckScale: 3 });
  socket = await startFakeSocketMode();
  h = await startHarness(() => socket.url());
  const triage = await runTriage(warehouse, h.config, { asOf: AS_OF });
  const order = triage.orders.find((o) => o.actionable)!;
  orderId = order.order_id;
  stuckReason = order.stuck_reason;
  await h.tickets.createTickets([ticket(orderId, ASSIGNEE, new Date(AS_OF.getTime() - 3_600_000))]);
  trigger = createSlackTrigger({
    slack: { botToken: 'xoxb-test', appToken: 'xapp-test', apiUrl: h.fake.url },
    ...triggerDeps(h),
    warehouse: async () => warehouse,
    env: {},
    now: () => AS_OF,
    log: () => undefined,
  })!;
  await trigger.start();
  await socket.connected();
}, 240_000);

afterAll(async () => {
  await trigger?.stop();
  await socket?.close();
  await h?.close();
  await warehouse?.close();
});

describe('@ecm ORD-… in any thread', () => {
  it("answers in that thread with the order's diagnosis, customer masked, with the assignee's buttons", async () => {
    const ts = '1771291900.000100';
    const threadTs = '1771291800.000050';
    const ack = await socket.send('events_api', {
      type: 'event_callback',
      team_id: 'T00000001',
      api_app_id: 'A00000001',
      event_id: 'EvORDER1',
      event_time: Math.floor(AS_OF.getTime() / 1000),
      event: {
        type: 'app_mention',
        user: USERS.assignee,
        text: `<@U0BOT> ${orderId} what is wrong?`,
        ts,
        thread_ts: threadTs,
        channel: 'C0OPS',
        event_ts: ts,
      },
    });
    expect(ack).toMatchObject({ envelope_id: 'env-1' });
    await vi.waitFor(() => expect(h.fake.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1), { timeout: 60_000 });
    const [answer] = h.fake.calls.filter((c) => c.method === 'chat.postMessage');
    expect(answer?.params).toMatchObject({ channel: 'C0OPS', thread_ts: threadTs });
    const blocks = JSON.stringify(answer?.blocks);
    expect(blocks).toContain(orderId);
    expect(blocks).toContain(stuckReason);
    expect(blocks).toContain('What to do');
    expect(blocks).toContain('Customer details masked');
    expect(containsEmail(blocks)).toBe(false);
    expect(blocks).toContain(ACTION.resolve);
    expect(h.gate.finished).toMatchObject([
      { outcome: 'done', trigger: { source: 'slack', kind: 'order_diagnosis', detail: { order_id: orderId } } },
    ]);

    // Slack redelivers the same event (retry_attempt 1): acked, and the gate sees the same dedupe key.
    const again = await socket.send(
      'events_api',
      {
        type: 'event_callback',
        event_id: 'EvORDER1',
        team_id: 'T00000001',
        api_app_id: 'A00000001',
        event: {
          type: 'app_mention',
          user: USERS.assignee,
          text: `<@U0BOT> ${orderId}`,
          ts,
          thread_ts: threadTs,
          channel: 'C0OPS',
          event_ts: ts,
        },
      },
      1,
    );
    expect(again).toMatchObject({ envelope_id: 'env-2' });
    await vi.waitFor(() => expect(h.gate.admitted).toHaveLength(2), { timeout: 30_000 });
    expect(new Set(h.gate.admitted.map((a) => a.dedupeKey))).toEqual(new Set(['slack:event:EvORDER1']));
  }, 120_000);
});
