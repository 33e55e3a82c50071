import { reply, startFakeMessagesApi, text } from '../../../../agent/src/__fixtures__/fake-messages-api.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunStore } from '../../phases/run-store.js';
import { startFakeSocketMode, type FakeSocketMode } from './__fixtures__/fake-socket-mode.js';
import {
  ASSIGNEE,
  buttonClick,
  OTHER,
  interactive,
  ORDER,
  resolveSubmission,
  serveListener,
  slackSignature,
  startHarness,
  triggerDeps,
  USERS,
  type Harness,
} from './__fixtures__/slack-app-harness.js';
import { ACTION, VIEW } from './slack-actions.js';
import { createSlackTrigger, slackConnectionFromEnv, type SlackTrigger } from './slack-app.js';

const SECRET = 'test-signing-secret-not-a-real-one';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function httpApp(): Promise<{
  h: Harness;
  trigger: SlackTrigger;
  post(body: string, headers?: Record<string, string>, signedAt?: number, secret?: string): Promise<number>;
}> {
  const h = await startHarness();
  cleanups.push(() => h.close());
  const trigger = createSlackTrigger({
    slack: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: h.fake.url },
    ...triggerDeps(h),
    env: {},
    log: () => undefined,
  })!;
  expect(trigger.requestListener).toBeTypeOf('function');
  const server = await serveListener(trigger.requestListener!);
  cleanups.push(() => server.close());
  return {
    h,
    trigger,
    async post(body, headers = {}, signedAt = Math.floor(Date.now() / 1000), secret = SECRET) {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(signedAt),
          'x-slack-signature': slackSignature(secret, signedAt, body),
          ...headers,
        },
        body,
      });
      await res.text();
      return res.status;
    },
  };
}

const calls = (h: Harness, method: string) => h.fake.calls.filter((c) => c.method === method);

describe('createSlackTrigger', () => {
  it('is undefined without a bot token or without a way in (neither an app token nor a signing secret)', async () => {
    const h = await startHarness();
    cleanups.push(() => h.close());
    const base = triggerDeps(h);
    expect(createSlackTrigger({ ...base, slack: { botToken: 'xoxb-test' } })).toBeUndefined();
    expect(createSlackTrigger({ ...base, slack: { botToken: '', signingSecret: SECRET } })).toBeUndefined();
    expect(slackConnectionFromEnv({ SLACK_BOT_TOKEN: 'xoxb-test' })).toBeUndefined();
    expect(slackConnectionFromEnv({ SLACK_APP_TOKEN: 'xapp-test', SLACK_SIGNING_SECRET: SECRET })).toBeUndefined();
    expect(slackConnectionFromEnv({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: ` ${SECRET} ` })).toEqual({
      botToken: 'xoxb-test',
      signingSecret: SECRET,
    });
    expect(
      slackConnectionFromEnv({
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_APP_TOKEN: 'xapp-test',
        SLACK_SIGNING_SECRET: '',
        SLACK_API_URL: 'http://127.0.0.1:1/api/',
      }),
    ).toEqual({ botToken: 'xoxb-test', appToken: 'xapp-test', apiUrl: 'http://127.0.0.1:1/api/' });
  });
});

describe('HTTP mode: Bolt verifies every request', () => {
  it('a signed Start click is answered 200 and starts the ticket; forged and stale ones are 401 and change nothing', async () => {
    const { h, post } = await httpApp();
    const body = interactive(buttonClick(USERS.assignee, ACTION.start, ORDER));

    expect(await post(body, {}, undefined, 'a-different-secret')).toBe(401);
    expect(await post(body, {}, Math.floor(Date.now() / 1000) - 10 * 60)).toBe(401); // signed, but ten minutes old
    const tampered = interactive(buttonClick(USERS.assignee, ACTION.start, 'ORD-99999'));
    const signedAt = Math.floor(Date.now() / 1000);
    expect(await post(tampered, { 'x-slack-signature': slackSignature(SECRET, signedAt, body) }, signedAt)).toBe(401); // someone else's signature on another body
    expect(await post(body, { 'x-slack-signature': '' })).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.gate.admitted).toEqual([]);
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]); // Bolt checks its token at start; nothing else reached Slack
    expect((await h.tickets.getTicket(ORDER))?.status).toBe('OPEN');

    expect(await post(body)).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished).toHaveLength(1), { timeout: 5000 });
    expect(h.gate.finished[0]).toMatchObject({ outcome: 'done', trigger: { domain: 'ecm', source: 'slack', kind: ACTION.start } });
    expect((await h.tickets.getTicket(ORDER))?.status).toBe('IN_PROGRESS');
    const [told] = calls(h, 'chat.postEphemeral');
    expect(told?.params).toMatchObject({ channel: 'D0000AMAL', user: USERS.assignee });
    expect(told?.params.text).toContain('IN_PROGRESS with you');
  });

  it('a Resolve click by someone who is not the assignee is refused privately: no form, the ticket untouched', async () => {
    const { h, post } = await httpApp();
    expect(await post(interactive(buttonClick(USERS.other, ACTION.resolve, ORDER)))).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished).toHaveLength(1), { timeout: 5000 });
    expect(h.gate.finished[0]?.outcome).toBe('refused');
    expect(calls(h, 'views.open')).toEqual([]);
    const [told] = calls(h, 'chat.postEphemeral');
    expect(told?.params.user).toBe(USERS.other);
    expect(told?.params.text).toContain(`in ${ASSIGNEE.email}'s queue, not yours`);
    expect(calls(h, 'chat.postMessage')).toEqual([]); // nothing said in public
    expect((await h.tickets.getTicket(ORDER))?.status).toBe('OPEN');

    // Someone not on the roster at all acts for nobody either.
    expect(await post(interactive(buttonClick(USERS.stranger, ACTION.start, ORDER)))).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished).toHaveLength(2), { timeout: 5000 });
    expect(h.gate.finished[1]?.outcome).toBe('refused');
    expect((await h.tickets.getTicket(ORDER))?.status).toBe('OPEN');
  });

  it("the assignee's Resolve opens the form; its submission resolves the ticket exactly once though Slack retries it", async () => {
    const { h, post } = await httpApp();
    expect(await post(interactive(buttonClick(USERS.assignee, ACTION.resolve, ORDER)))).toBe(200);
    await vi.waitFor(() => expect(calls(h, 'views.open')).toHaveLength(1), { timeout: 5000 });
    const opened = calls(h, 'views.open')[0]!;
    expect(opened.params.trigger_id).toBe(`trigger-${USERS.assignee}-${ACTION.resolve}`);
    const view = JSON.parse(opened.params.view!) as { callback_id: string; private_metadata: string; blocks: { block_id: string }[] };
    expect(view.callback_id).toBe(VIEW.resolve);
    expect(view.blocks.map((b) => b.block_id)).toEqual(['notes', 'diagnosis_match', 'action_followed', 'resolution_type']);

    const submit = interactive(resolveSubmission(USERS.assignee, 'V00000001', ORDER, 'Status synced with the partner, ref S-1'));
    const [first, retry] = await Promise.all([
      post(submit),
      post(submit, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
    ]);
    expect([first, retry]).toEqual([200, 200]);
    expect(await post(submit, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' })).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished.filter((f) => f.trigger.kind === VIEW.resolve)).toHaveLength(3), { timeout: 5000 });

    const resolutions = await h.state.query('SELECT order_id, agent_email, notes, diagnosis_match, action_followed FROM resolutions');
    expect(resolutions).toEqual([
      {
        order_id: ORDER,
        agent_email: ASSIGNEE.email,
        notes: 'Status synced with the partner, ref S-1',
        diagnosis_match: 'PARTIAL',
        action_followed: 'MODIFIED',
      },
    ]);
    expect((await h.tickets.getTicket(ORDER))?.status).toBe('RESOLVED');
    const outcomes = h.gate.finished
      .filter((f) => f.trigger.kind === VIEW.resolve)
      .map((f) => f.outcome)
      .sort();
    expect(outcomes).toEqual(['done', 'refused', 'refused']);
  });

  it('an empty resolution note is shown on the form and resolves nothing', async () => {
    const { h, post } = await httpApp();
    expect(await post(interactive(resolveSubmission(USERS.assignee, 'V00000002', ORDER, '   ')))).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.gate.admitted).toEqual([]);
    expect(await h.state.query('SELECT order_id FROM resolutions')).toEqual([]);
  });

  it('a trigger the gate refuses does nothing but say so', async () => {
    const { h, post } = await httpApp();
    h.gate.refuse = 'the daily budget is spent';
    expect(await post(interactive(buttonClick(USERS.assignee, ACTION.start, ORDER)))).toBe(200);
    await vi.waitFor(() => expect(calls(h, 'chat.postEphemeral')).toHaveLength(1), { timeout: 5000 });
    expect(calls(h, 'chat.postEphemeral')[0]?.params.text).toContain('the daily budget is spent');
    expect(calls(h, 'users.info')).toEqual([]);
    expect((await h.tickets.getTicket(ORDER))?.status).toBe('OPEN');
  });
});

describe('Escalate and the fix proposals', () => {
  it("the assignee's Escalate tells the thread (no team channel configured) first, then records it once", async () => {
    const { h, post } = await httpApp();
    expect(await post(interactive(buttonClick(USERS.assignee, ACTION.escalate, ORDER)))).toBe(200);
    await vi.waitFor(() => expect(calls(h, 'views.open')).toHaveLength(1), { timeout: 5000 });
    expect(JSON.parse(calls(h, 'views.open')[0]!.params.view!)).toMatchObject({ callback_id: VIEW.escalate });
    const submission = resolveSubmission(USERS.assignee, 'V00000009', ORDER, '');
    const escalate = {
      ...submission,
      view: {
        ...submission.view,
        callback_id: VIEW.escalate,
        state: { values: { reason: { value: { type: 'plain_text_input', value: 'Partner rejects the bank code <!channel>' } } } },
      },
    };
    expect(await post(interactive(escalate))).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished.filter((f) => f.trigger.kind === VIEW.escalate)).toHaveLength(1), { timeout: 5000 });
    expect((await h.tickets.getTicket(ORDER))?.status).toBe('ESCALATED');
    const told = calls(h, 'chat.postMessage');
    expect(told).toHaveLength(1);
    expect(told[0]?.params.channel).toBe('D0000AMAL');
    expect(told[0]?.params.text).toContain('&lt;!channel&gt;');
    expect(told[0]?.params.text).not.toContain('<!channel>');
    // Clicking again changes nothing and tells no team twice.
    expect(await post(interactive({ ...escalate, view: { ...escalate.view, id: 'V00000010' } }))).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished.filter((f) => f.trigger.kind === VIEW.escalate)).toHaveLength(2), { timeout: 5000 });
    expect(calls(h, 'chat.postMessage')).toHaveLength(1);
    expect(await h.state.query('SELECT order_id FROM escalations')).toHaveLength(1);
  });

  it('a high-value proposal is approved only by a supervisor, and stays decided', async () => {
    const { h, post } = await httpApp();
    const { ensureAgentSchema, sqlProposalStore } = await import('@ecm/agent');
    await ensureAgentSchema(h.state);
    const proposal = await sqlProposalStore(h.state).create(
      {
        domain: 'ecm',
        orderId: ORDER,
        action: 'refund the held amount',
        rationale: 'partner confirmed',
        needsSupervisor: true,
        amountAed: 90_000,
        skill: 'ecm-resolve',
        traceId: 't-1',
      },
      new Date(),
    );
    const click = (user: string, action: string) => ({
      ...buttonClick(user, action, proposal.id, 'C0REPORTS'),
      actions: [
        {
          type: 'button',
          action_id: action,
          block_id: `ecm_proposal:${proposal.id}`,
          value: proposal.id,
          action_ts: `${Date.now() / 1000}.${action}`,
        },
      ],
    });

    expect(await post(interactive(click(USERS.assignee, ACTION.approve)))).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished).toHaveLength(1), { timeout: 5000 });
    expect(calls(h, 'chat.postEphemeral')[0]?.params.text).toContain('only a supervisor may approve it');
    const [row] = await h.state.query('SELECT status FROM proposals WHERE id = $1', [proposal.id]);
    expect(row).toEqual({ status: 'pending' });

    await h.tickets.upsertAgents([{ ...OTHER, role: 'supervisor' }]);
    expect(await post(interactive(click(USERS.other, ACTION.approve)))).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished).toHaveLength(2), { timeout: 5000 });
    expect(h.gate.finished[1]?.outcome).toBe('done');
    const [after] = await h.state.query('SELECT status, decided_by FROM proposals WHERE id = $1', [proposal.id]);
    expect(after).toEqual({ status: 'approved', decided_by: OTHER.email });

    // Reject opens its form; a decided proposal stays decided.
    expect(await post(interactive(click(USERS.assignee, ACTION.reject)))).toBe(200);
    await vi.waitFor(() => expect(calls(h, 'views.open')).toHaveLength(1), { timeout: 5000 });
    const base = resolveSubmission(USERS.assignee, 'V00000011', proposal.id, '');
    const reject = {
      ...base,
      view: {
        ...base.view,
        callback_id: VIEW.reject,
        private_metadata: JSON.stringify({ subject: proposal.id, channel: 'C0REPORTS', thread_ts: null }),
        state: { values: { reason: { value: { type: 'plain_text_input', value: 'already refunded' } } } },
      },
    };
    expect(await post(interactive(reject))).toBe(200);
    await vi.waitFor(() => expect(h.gate.finished.filter((f) => f.trigger.kind === VIEW.reject)).toHaveLength(1), { timeout: 5000 });
    expect(h.gate.finished.at(-1)?.outcome).toBe('refused');
    expect(calls(h, 'chat.postEphemeral').at(-1)?.params.text).toContain('already approved');
  });
});

describe('Socket Mode against a local stand-in', () => {
  async function socketApp(env: NodeJS.ProcessEnv = {}): Promise<{ h: Harness; socket: FakeSocketMode }> {
    const socket = await startFakeSocketMode();
    cleanups.push(() => socket.close());
    const h = await startHarness(() => socket.url());
    cleanups.push(() => h.close());
    const trigger = createSlackTrigger({
      slack: { botToken: 'xoxb-test', appToken: 'xapp-test', apiUrl: h.fake.url },
      ...triggerDeps(h),
      env,
      log: () => undefined,
    })!;
    expect(trigger.requestListener).toBeUndefined();
    await trigger.start();
    cleanups.push(() => trigger.stop());
    await socket.connected();
    return { h, socket };
  }

  const mention = (text: string, ts: string, threadTs?: string) => ({
    token: 'legacy-verification-token',
    team_id: 'T00000001',
    api_app_id: 'A00000001',
    type: 'event_callback',
    event_id: `Ev${ts.replace('.', '')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'app_mention',
      user: USERS.assignee,
      text,
      ts,
      channel: 'C0REPORTS',
      event_ts: ts,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    },
  });

  it("acks each envelope, and answers a question in a report's thread politely when no model is configured", async () => {
    const { h, socket } = await socketApp();
    expect(calls(h, 'apps.connections.open')).toHaveLength(1);
    const runs = new RunStore(h.state);
    const asOf = new Date('2026-11-30T06:00:00Z');
    await runs.save('triage:2026-11-30T06', 'triage', '2026-11-30T06', asOf, {
      status: 'succeeded',
      plan: { facts: { assigned: 12 }, messages: [], writes: {} } as never,
    });
    await runs.recordPosted('triage:2026-11-30T06', 0, 'ECM Triage', {
      parentTs: '1764482400.000100',
      postedReplies: 0,
      totalReplies: 0,
    } as never);

    const ack = await socket.send('events_api', mention('<@U0BOT> why so many P1 today?', '1764482500.000200', '1764482400.000100'));
    expect(ack).toMatchObject({ envelope_id: 'env-1' });
    await vi.waitFor(() => expect(calls(h, 'chat.postMessage')).toHaveLength(1), { timeout: 5000 });
    const [answer] = calls(h, 'chat.postMessage');
    expect(answer?.params).toMatchObject({ channel: 'C0REPORTS', thread_ts: '1764482400.000100' });
    expect(answer?.params.text).toContain('no language model is configured');
    expect(h.gate.finished).toMatchObject([
      { outcome: 'done', trigger: { kind: 'report_question', dedupeKey: 'slack:event:Ev1764482500000200' } },
    ]);

    // Outside a report's thread the answer says where questions work.
    const ack2 = await socket.send('events_api', mention('<@U0BOT> hello', '1764482600.000300'));
    expect(ack2).toMatchObject({ envelope_id: 'env-2' });
    await vi.waitFor(() => expect(calls(h, 'chat.postMessage')).toHaveLength(2), { timeout: 5000 });
    expect(calls(h, 'chat.postMessage')[1]?.params).toMatchObject({ channel: 'C0REPORTS', thread_ts: '1764482600.000300' });
    expect(calls(h, 'chat.postMessage')[1]?.params.text).toContain('in the thread of one of our reports');
  });
  it("answers a question in a report's thread with the model, given that report's facts, its words escaped", async () => {
    // The model's reply is data: a broadcast and a link in it must reach Slack inert.
    const api = await startFakeMessagesApi([
      reply([text('12 orders were assigned in this run. <!channel> <https://evil.example.com|click>')]),
    ]);
    cleanups.push(() => api.close());
    const { h, socket } = await socketApp({ ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: api.url });
    const runs = new RunStore(h.state);
    const asOf = new Date('2026-11-30T06:00:00Z');
    await runs.save('triage:2026-11-30T06', 'triage', '2026-11-30T06', asOf, {
      status: 'succeeded',
      plan: { facts: { assigned: 12, assigned_value_aed: '48210.00' }, messages: [], writes: {} } as never,
    });
    await runs.recordPosted('triage:2026-11-30T06', 0, 'ECM Triage', {
      parentTs: '1764482400.000100',
      postedReplies: 0,
      totalReplies: 0,
    } as never);

    await socket.send('events_api', mention('<@U0BOT> how many were assigned?', '1764482700.000400', '1764482400.000100'));
    await vi.waitFor(() => expect(calls(h, 'chat.postMessage')).toHaveLength(1), { timeout: 20_000 });
    const [answer] = calls(h, 'chat.postMessage');
    expect(answer?.params).toMatchObject({ channel: 'C0REPORTS', thread_ts: '1764482400.000100' });
    const posted = JSON.stringify(answer?.params.blocks);
    expect(posted).toContain('12 orders were assigned in this run.');
    expect(posted).not.toContain('<!channel>');
    expect(posted).not.toContain('<https://evil.example.com');
    // The model was asked with this report's facts and the question, once.
    expect(api.requests).toHaveLength(1);
    const asked = JSON.stringify(api.requests[0]?.body.messages);
    expect(asked).toContain('\\"assigned\\":12');
    expect(asked).toContain('how many were assigned?');
    expect(h.gate.finished).toMatchObject([{ outcome: 'done', trigger: { kind: 'report_question' } }]);
  });
});
