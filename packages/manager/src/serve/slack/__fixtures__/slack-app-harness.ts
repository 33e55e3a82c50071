import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Agent, type Ticket, type TicketStore } from '@ecm/core/domain';
import { openStateDb, openTicketStore, type StateDb } from '@ecm/core/stores';
import { appResponder, startFakeSlack, type FakeSlack } from '../../../../../core/src/slack/__fixtures__/fake-slack-api.js';
import type { Trigger, TriggerGate, TriggerOutcome } from '../trigger-gate.js';

export const ASSIGNEE: Agent = {
  email: 'amal.ops@example.com',
  name: 'Amal Ops',
  team: 'Ops',
  slack_handle: null,
  active: true,
  max_tickets: 10,
  role: 'agent',
};
export const OTHER: Agent = {
  email: 'basel.ops@example.com',
  name: 'Basel Ops',
  team: 'Ops',
  slack_handle: null,
  active: true,
  max_tickets: 10,
  role: 'agent',
};
/** Slack user ids of the two agents, and of someone not on the roster. */
export const USERS = { assignee: 'U0000AMAL', other: 'U000BASEL', stranger: 'U0STRANGE' } as const;
export const ORDER = 'ORD-70001';

export function ticket(orderId: string, agent: Agent, assignedAt: Date): Ticket {
  const at = assignedAt.toISOString();
  return {
    order_id: orderId,
    agent_email: agent.email,
    assigned_at: at,
    status: 'OPEN',
    priority: 'P2',
    currency: 'INR',
    amount: 2500,
    hours_stuck: 30,
    diagnosis: 'status_sync_issue',
    notes: 'Sync the status with the payout partner',
    updated_at: at,
  };
}

/** A gate as the serve process has it, reduced to recording: admits everything (or refuses with `refuse`). */
export class RecordingGate implements TriggerGate {
  readonly admitted: Trigger[] = [];
  readonly finished: { trigger: Trigger; outcome: TriggerOutcome; detail?: string }[] = [];
  refuse: string | null = null;
  async admit(trigger: Trigger) {
    if (this.refuse) return { ok: false as const, reason: this.refuse };
    this.admitted.push(trigger);
    return {
      ok: true as const,
      finish: async (outcome: TriggerOutcome, detail?: string) => {
        this.finished.push({ trigger, outcome, ...(detail === undefined ? {} : { detail }) });
      },
    };
  }
}

export interface Harness {
  readonly fake: FakeSlack;
  readonly state: StateDb;
  readonly tickets: TicketStore;
  readonly gate: RecordingGate;
  readonly config: ReturnType<typeof loadConfig>;
  close(): Promise<void>;
}

/** What createSlackTrigger needs besides the Slack connection: the harness's stores and gate, no warehouse. */
export function triggerDeps(h: Harness) {
  return {
    config: h.config,
    state: h.state,
    tickets: h.tickets,
    warehouse: () => Promise.reject(new Error('no warehouse in this test')),
    domain: 'ecm',
    gate: h.gate,
  };
}

export async function startHarness(socketUrl?: () => string): Promise<Harness> {
  const fake = await startFakeSlack();
  fake.respond(
    appResponder({
      profiles: { [USERS.assignee]: ASSIGNEE.email.toUpperCase(), [USERS.other]: OTHER.email, [USERS.stranger]: 'someone@example.com' },
      ...(socketUrl ? { socketUrl } : {}),
    }),
  );
  const state = await openStateDb({ inMemory: true, env: {} });
  const tickets = await openTicketStore(state, {});
  await tickets.upsertAgents([ASSIGNEE, OTHER]);
  await tickets.createTickets([ticket(ORDER, ASSIGNEE, new Date(Date.now() - 3_600_000))]);
  return {
    fake,
    state,
    tickets,
    gate: new RecordingGate(),
    config: loadConfig(undefined, {}),
    close: async () => Promise.all([fake.close(), state.close()]).then(() => undefined),
  };
}

/** Slack's request signature (v0) over the raw body, as Slack computes it. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A local HTTP server that routes POST /slack/events to the listener, as the serve server does. */
export async function serveListener(
  listener: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/slack/events') listener(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An interactivity request body: `payload=<json>`, form-encoded, as Slack posts it. */
export const interactive = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** Who an interaction comes from: the workspace, the user and the app, as on every interactivity payload. */
const from = (user: string) => ({
  team: { id: 'T00000001', domain: 'example' },
  user: { id: user, username: 'someone', team_id: 'T00000001' },
  api_app_id: 'A00000001',
  token: 'legacy-verification-token',
});

export function buttonClick(user: string, actionId: string, value: string, channel = 'D0000AMAL') {
  return {
    type: 'block_actions',
    ...from(user),
    trigger_id: `trigger-${user}-${actionId}`,
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'directmessage' },
    message: { type: 'message', ts: '1700000000.000100', text: 'Queue' },
    response_url: 'https://hooks.slack.invalid/actions/T00000001/1/xyz',
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: `ecm_ticket:${value}`,
        value,
        action_ts: `${Date.now() / 1000}`,
        text: { type: 'plain_text', text: 'Go' },
      },
    ],
  };
}

export function resolveSubmission(user: string, viewId: string, orderId: string, notes: string) {
  const select = (value: string) => ({
    value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } },
  });
  return {
    type: 'view_submission',
    ...from(user),
    trigger_id: 'trigger-submit',
    view: {
      id: viewId,
      team_id: 'T00000001',
      type: 'modal',
      callback_id: 'ecm_resolve_modal',
      hash: '1700000000.abcdef',
      private_metadata: JSON.stringify({ subject: orderId, channel: 'D0000AMAL', thread_ts: null }),
      state: {
        values: {
          notes: { value: { type: 'plain_text_input', value: notes } },
          diagnosis_match: select('PARTIAL'),
          action_followed: select('MODIFIED'),
          resolution_type: select('AGENT_RESOLVED'),
        },
      },
    },
  };
}
