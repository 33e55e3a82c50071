import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { openTicketStore } from '@ecm/core/stores';
import type { Resolution } from '@ecm/core/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsOutput } from '@ecm/gateway/field-schemas';
import { z } from 'zod';
import { cliEnv, DEMO_AS_OF, FIELD_BIN, NOW } from './__fixtures__/run-cli.js';
import { ASHA, BILAL, LENA, seededDemo } from './__fixtures__/seeded-demo.js';
import { hasTmux, TmuxTerminal } from './__fixtures__/tmux-terminal.js';

const BAND = z.enum(['BREACHED', 'CRITICAL', 'WARNING', 'OK']);
const PRIORITY = z.enum(['P1', 'P2', 'P3', 'P4']);

const myTicketsJson = z.object({
  agent: z.object({ email: z.string(), name: z.string(), team: z.string(), role: z.string() }),
  as_of: z.string(),
  open: z.number().int(),
  completed_meanwhile: z.number().int(),
  live_status: z.string(),
  tickets: z.array(
    z.object({
      order_id: z.string(),
      priority: PRIORITY,
      status: z.enum(['OPEN', 'IN_PROGRESS', 'ESCALATED']),
      stuck_reason: z.string(),
      currency: z.string(),
      amount: z.number(),
      assigned_at: z.string(),
      order_hours: z.number(),
      sla: z.object({ target_minutes: z.number(), elapsed_minutes: z.number(), remaining_minutes: z.number(), band: BAND }),
      live: z.object({ status: z.string().nullable(), sub_state: z.string().nullable() }).nullable(),
      completed: z.boolean(),
      next_action: z.string().min(1),
    }),
  ),
  // Today's numbers are passed through as the gateway's field_my_queue gives them.
  stats: statsOutput,
});
type MyTickets = z.infer<typeof myTicketsJson>;

const orderJson = z.object({
  order: z.object({
    order_id: z.string(),
    order: z.object({ status: z.string().nullable(), hours: z.number(), currency: z.string().nullable() }),
    customer: z.object({
      full_name: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      masked: z.boolean(),
    }),
    timeline: z.array(z.object({ at: z.string(), system: z.string(), status: z.string().nullable() })).min(1),
    diagnosis: z
      .object({
        stuck_reason: z.string(),
        team: z.string(),
        priority: PRIORITY,
        score: z.number(),
        factors: z.array(z.object({ factor: z.string(), value: z.number(), weight: z.number(), contribution: z.number() })),
        disqualification: z.object({ reason: z.string(), explain: z.string() }).nullable(),
      })
      .nullable(),
    warnings: z.array(z.string()),
  }),
  ticket: z
    .object({ order_id: z.string(), agent_email: z.string(), yours: z.boolean(), sla: z.object({ band: BAND }).nullable() })
    .nullable(),
  runbook: z
    .object({
      title: z.string().nullable(),
      what_is_wrong: z.string().nullable(),
      steps: z.array(z.string()),
      escalate: z.array(z.string()),
    })
    .nullable(),
  escalation: z
    .object({
      step: z.object({ level: z.string(), hours: z.number() }).nullable(),
      contact: z.object({ team: z.string(), level: z.string(), contact: z.string() }).nullable(),
    })
    .nullable(),
});

const demo = seededDemo();
const field = demo.field;
const asAgent = demo.asAgent;

async function myTickets(agent: string): Promise<MyTickets> {
  const r = await asAgent(agent, ['my-tickets', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return myTicketsJson.parse(JSON.parse(r.stdout));
}

/** Reads the ticket store the CLI wrote, after it has exited. */
const withStore = <T>(fn: (store: Awaited<ReturnType<typeof openTicketStore>>) => Promise<T>): Promise<T> =>
  demo.withState(async (state) => fn(await openTicketStore(state, {})));

describe('ecm-field on the demo', () => {
  let queue: MyTickets;

  it('my-tickets: own open tickets, priority then SLA, live status and the next action', async () => {
    queue = await myTickets(ASHA);
    expect(queue.agent).toMatchObject({ email: ASHA, team: 'Ops' });
    expect(queue.open).toBe(queue.tickets.length);
    expect(queue.tickets.length).toBeGreaterThan(3);
    const rank = (p: string) => Number(p.slice(1));
    for (let i = 1; i < queue.tickets.length; i++) {
      const [a, b] = [queue.tickets[i - 1]!, queue.tickets[i]!];
      expect(rank(a.priority) < rank(b.priority) || (a.priority === b.priority && a.sla.remaining_minutes <= b.sla.remaining_minutes)).toBe(
        true,
      );
    }
    // Assigned by the 07:00 IST daily at T; 90 minutes later on the SLA clock.
    for (const t of queue.tickets) {
      expect(t.assigned_at).toBe(new Date(DEMO_AS_OF).toISOString());
      expect(t.sla.elapsed_minutes).toBe(90);
    }
    expect(queue.live_status).toBe('ok');
    expect(queue.tickets.length).toBeGreaterThan(0);
    expect(queue.tickets.every((t) => t.live !== null && t.live.status !== null)).toBe(true);

    const text = await asAgent(ASHA, ['my-tickets']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Asha Demo (${ASHA}, Ops) — ${queue.open} open tickets`);
    expect(text.stdout).toMatch(/Today: 0 resolved/);
    expect(text.stdout).not.toMatch(/\x1b\[/); // not a terminal: no colour
  });

  it('order: timeline across systems, diagnosis, runbook steps, score factors and the contact; PII masked', async () => {
    const t = queue.tickets[0]!;
    const r = await asAgent(ASHA, ['order', t.order_id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const o = orderJson.parse(JSON.parse(r.stdout));
    expect(o.order.order_id).toBe(t.order_id);
    expect(o.order.diagnosis?.stuck_reason).toBe(t.stuck_reason);
    expect(o.order.diagnosis?.factors.map((f) => f.factor)).toEqual(['age', 'amount', 'severity', 'rfi', 'payment', 'attempts']);
    const sum = o.order.diagnosis!.factors.reduce((n, f) => n + f.contribution, 0);
    expect(Math.abs(sum - o.order.diagnosis!.score)).toBeLessThan(0.001);
    expect(o.order.timeline.map((e) => e.at)).toEqual([...o.order.timeline.map((e) => e.at)].sort());
    expect(o.order.timeline.some((e) => e.system === 'goms')).toBe(true);
    expect(o.runbook?.steps.length).toBeGreaterThan(1);
    expect(o.ticket).toMatchObject({ order_id: t.order_id, agent_email: ASHA, yours: true });
    expect(o.escalation?.contact).toMatchObject({ team: 'Ops' });
    expect(o.order.customer.masked).toBe(true);
    expect(o.order.customer.full_name).toMatch(/\*\*\*/);

    const revealed = orderJson.parse(JSON.parse((await asAgent(ASHA, ['order', t.order_id, '--json', '--reveal-pii'])).stdout));
    expect(revealed.order.customer.masked).toBe(false);
    expect(revealed.order.customer.full_name).not.toMatch(/\*\*\*/);
    expect(revealed.order.customer.full_name?.[0]).toBe(o.order.customer.full_name?.[0]);

    const text = await asAgent(ASHA, ['order', t.order_id]);
    expect(text.stdout).toMatch(/Timeline \(IST\)/);
    expect(text.stdout).toMatch(/What to do \(runbooks\//);
    expect(text.stdout).toMatch(/\n {2}1\. /);
    expect(text.stdout).toMatch(/Score \d\.\d{3} → P\d/);
    expect(text.stdout).toContain(o.order.customer.full_name!);
    expect(text.stdout).not.toContain(revealed.order.customer.full_name!);
  });

  it('resolve: notes required, only the assignee, then the Resolutions row and one ticket fewer', async () => {
    const t = queue.tickets.find((x) => !x.completed)!;

    const empty = await asAgent(ASHA, ['resolve', t.order_id, '--notes', '   ']);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toMatch(/notes are required/);
    const missing = await asAgent(ASHA, ['resolve', t.order_id]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/--notes "…" is required/);

    const other = await asAgent(BILAL, ['resolve', t.order_id, '--notes', 'done']);
    expect(other.code).toBe(6);
    expect(other.stderr).toContain(`order ${t.order_id} is in ${ASHA}'s queue`);

    const badFlag = await asAgent(ASHA, ['resolve', t.order_id, '--notes', 'done', '--diagnosis-match', 'MAYBE']);
    expect(badFlag.code).toBe(3);

    const ok = await asAgent(ASHA, [
      'resolve',
      t.order_id,
      '--notes',
      'refund ref R-1 initiated',
      '--diagnosis-match',
      'partial',
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const out = z
      .object({
        resolution: z.object({ order_id: z.string(), sla_status: z.enum(['MET', 'MISSED']) }),
        queue_left: z.number(),
        next: z.array(z.object({ order_id: z.string() })),
      })
      .parse(JSON.parse(ok.stdout));
    expect(out.queue_left).toBe(queue.open - 1);

    const after = await myTickets(ASHA);
    expect(after.open).toBe(queue.open - 1);
    expect(after.tickets.map((x) => x.order_id)).not.toContain(t.order_id);
    expect(after.stats.resolved).toBe(1);
    expect(after.stats.avg_minutes).toBe(90);

    const slaMinutes = t.sla.target_minutes;
    const row = await withStore(async (store) =>
      (await store.listResolutions(new Date(DEMO_AS_OF))).find((x) => x.order_id === t.order_id),
    );
    expect(row).toEqual<Resolution>({
      resolved_at: new Date(NOW).toISOString(),
      order_id: t.order_id,
      agent_email: ASHA,
      notes: 'refund ref R-1 initiated',
      assigned_at: new Date(DEMO_AS_OF).toISOString(),
      resolution_minutes: 90,
      sla_target_minutes: slaMinutes,
      sla_status: 90 <= slaMinutes ? 'MET' : 'MISSED',
      stuck_reason: t.stuck_reason,
      amount: t.amount,
      currency: t.currency,
      diagnosis_match: 'PARTIAL',
      action_followed: 'YES',
      resolution_type: 'AGENT_RESOLVED',
    });
    expect(await withStore(async (store) => (await store.getTicket(t.order_id))?.status)).toBe('RESOLVED');

    const twice = await asAgent(ASHA, ['resolve', t.order_id, '--notes', 'again']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(new RegExp(`order ${t.order_id} was already resolved on .* by ${ASHA} \\(AGENT_RESOLVED\\)`));
  });

  it('escalate: reason required; Escalations row, ticket ESCALATED, the contact by team and age, Slack outbox', async () => {
    const t = (await myTickets(ASHA)).tickets.find((x) => x.status === 'OPEN' && !x.completed)!;
    const noReason = await asAgent(ASHA, ['escalate', t.order_id, '--reason', '']);
    expect(noReason.code).toBe(3);
    const other = await asAgent(BILAL, ['escalate', t.order_id, '--reason', 'blocked']);
    expect(other.code).toBe(6);

    const r = await asAgent(ASHA, ['escalate', t.order_id, '--reason', 'Lulu <!channel> silent for 2 days', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = z
      .object({
        escalation: z.object({
          order_id: z.string(),
          escalated_by: z.string(),
          stuck_hours: z.number(),
          order_status: z.string(),
          assigned_to: z.string(),
        }),
        team: z.string(),
        target: z.object({
          step: z.object({ level: z.string(), hours: z.number() }).nullable(),
          contact: z.object({ team: z.string(), level: z.string(), contact: z.string() }).nullable(),
        }),
        slack: z.object({ posted: z.boolean(), where: z.string() }),
      })
      .parse(JSON.parse(r.stdout));
    const hours = out.escalation.stuck_hours;
    expect(hours).toBeCloseTo(t.order_hours, 1);
    const level = hours >= 48 ? 'L3' : hours >= 24 ? 'L2' : 'L1';
    expect(out.target.step?.level ?? 'L1').toBe(level);
    expect(out.target.contact).toMatchObject({ team: 'Ops', level });
    expect(out.target.contact?.contact).toMatch(/@example\.com$/);
    expect(out.escalation.order_status).not.toMatch(/UNKNOWN|NOT_IN_WAREHOUSE/);
    expect(out.slack).toEqual({ posted: true, where: 'outbox (no SLACK_BOT_TOKEN)' });

    const [row, ticket] = await withStore(
      async (store) =>
        [
          (await store.listEscalations(new Date(DEMO_AS_OF))).find((e) => e.order_id === t.order_id),
          await store.getTicket(t.order_id),
        ] as const,
    );
    expect(row).toMatchObject({
      order_id: t.order_id,
      escalated_by: ASHA,
      reason: 'Lulu <!channel> silent for 2 days',
      assigned_to: ASHA,
      priority: t.priority,
      resolved_at: null,
    });
    expect(ticket?.status).toBe('ESCALATED');

    // The team's Slack message: data escaped, so the reason cannot ping the channel.
    const outbox = path.join(demo.home, 'outbox');
    const posted = readdirSync(outbox)
      .map((f) => readFileSync(path.join(outbox, f), 'utf8'))
      .find((json) => json.includes('ECM Escalation') && json.includes(t.order_id));
    expect(posted).toBeDefined();
    expect(posted).toContain('&lt;!channel&gt;');
    expect(posted).not.toContain('<!channel>');

    const again = await asAgent(ASHA, ['escalate', t.order_id, '--reason', 'still blocked']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already escalated/);
  });

  it('says where an order is when it is not in your queue', async () => {
    const unknown = await asAgent(ASHA, ['order', 'ORD-NOT-THERE', '--json']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No order with id "ORD-NOT-THERE"/);
    const resolveUnknown = await asAgent(ASHA, ['resolve', 'ORD-NOT-THERE', '--notes', 'x']);
    expect(resolveUnknown.code).toBe(1);
    expect(resolveUnknown.stderr).toMatch(/ORD-NOT-THERE/);

    const stuck = await demo.manager(['stuck', '--all', '--json', '--as-of', NOW]);
    const orders = z
      .object({ orders: z.array(z.object({ order_id: z.string(), disqualified: z.string().nullable(), monitor_only: z.boolean() })) })
      .parse(JSON.parse(stuck.stdout)).orders;
    const dq = orders.find((o) => o.disqualified)!;
    const r = await asAgent(ASHA, ['resolve', dq.order_id, '--notes', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`disqualified as ${dq.disqualified}`);
    const monitor = orders.find((o) => o.monitor_only && !o.disqualified);
    if (monitor) expect((await asAgent(ASHA, ['escalate', monitor.order_id, '--reason', 'x'])).stderr).toMatch(/monitor-only/);
  });

  it('refuses an unknown or inactive agent with how to fix it', async () => {
    const unknown = await asAgent('nobody@example.com', ['my-tickets']);
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toMatch(/is not an agent/);
    expect(unknown.stderr).toMatch(/ecm-manager agents add nobody@example.com/);
    const inactive = await asAgent('eli.ops@example.com', ['my-tickets']);
    expect(inactive.code).toBe(6);
    expect(inactive.stderr).toMatch(/inactive/);
    const nobody = await field(['my-tickets']);
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toMatch(/--agent EMAIL, or set ECM_AGENT_EMAIL/);
    const fromEnv = await field(['whoami', '--json'], { ECM_AGENT_EMAIL: ASHA });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ agent: { email: ASHA }, source: 'env' });
  });

  it('proposals: the human gate; high-value approvals need a supervisor', async () => {
    expect((await asAgent(ASHA, ['proposals', '--json'])).code).toBe(0); // creates the table when the runtime has not yet
    const { sqlProposalStore } = await import('@ecm/agent');
    const [small, big] = await demo.withState(async (state) => {
      const store = sqlProposalStore(state);
      const base = { domain: 'ecm', rationale: 'Lulu shows CREDITED', skill: 'ecm-resolve', traceId: 't-1' };
      return [
        await store.create(
          { ...base, orderId: 'ORD-00000001', action: 'Force status sync', needsSupervisor: false, amountAed: 900 },
          new Date(DEMO_AS_OF),
        ),
        await store.create(
          { ...base, orderId: 'ORD-00000002', action: 'Refund 9,000 AED', needsSupervisor: true, amountAed: 9000 },
          new Date(DEMO_AS_OF),
        ),
      ];
    });
    const listed = z
      .object({ proposals: z.array(z.object({ id: z.string(), status: z.string(), needs_supervisor: z.boolean() })) })
      .parse(JSON.parse((await asAgent(ASHA, ['proposals', '--json'])).stdout));
    expect(listed.proposals.map((p) => p.id).sort()).toEqual([small.id, big.id].sort());
    expect(listed.proposals.length).toBeGreaterThan(0);
    expect(listed.proposals.every((p) => p.status === 'pending')).toBe(true);

    const denied = await asAgent(ASHA, ['approve', big.id.slice(0, 8)]);
    expect(denied.code).toBe(6);
    expect(denied.stderr).toMatch(/only a supervisor may approve it/);
    expect((await asAgent(ASHA, ['approve', small.id.slice(0, 8)])).code).toBe(0);
    expect((await asAgent(LENA, ['reject', big.id])).code).toBe(3);
    const rejected = await asAgent(LENA, ['reject', big.id, '--reason', 'refund already pending at the acquirer', '--json']);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(JSON.parse(rejected.stdout).proposal).toMatchObject({
      status: 'rejected',
      decided_by: LENA,
      decision_reason: 'refund already pending at the acquirer',
    });
    expect((await asAgent(LENA, ['approve', big.id])).code).toBe(1);

    const pending = z.object({ proposals: z.array(z.unknown()) }).parse(JSON.parse((await asAgent(ASHA, ['proposals', '--json'])).stdout));
    expect(pending.proposals).toHaveLength(0);
  });

  it('chat without an LLM key says what to set and still runs the commands', async () => {
    const r = await field(['chat', '--agent', ASHA, '--as-of', NOW], {}, 'what should I do first?\nmy-tickets --json\nexit\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/set ANTHROPIC_API_KEY/);
    expect(r.stderr).toMatch(/No LLM configured/);
    const json = r.stdout.split('\n').find((l) => l.startsWith('{'))!;
    expect(myTicketsJson.parse(JSON.parse(json)).agent.email).toBe(ASHA);
  });

  describe('chat with an LLM', () => {
    let server: Server;
    const requests: { system: string; user: string; tools: string[] }[] = [];
    beforeAll(async () => {
      // A local stand-in for the Messages API: answers every request with one text block.
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const parsed = JSON.parse(body) as { system?: { text: string }[]; messages: { content: unknown }[]; tools?: { name: string }[] };
          requests.push({
            system: (parsed.system ?? []).map((s) => s.text).join('\n'),
            user: JSON.stringify(parsed.messages[0]?.content),
            tools: (parsed.tools ?? []).map((t) => t.name),
          });
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify({
              id: 'msg_1',
              type: 'message',
              role: 'assistant',
              model: 'claude-haiku-4-5',
              content: [{ type: 'text', text: 'Start with your P1 tickets.' }],
              stop_reason: 'end_turn',
              stop_sequence: null,
              usage: { input_tokens: 1200, output_tokens: 20 },
            }),
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers a question with the my-tickets skill and the gateway tools', async () => {
      const { port } = server.address() as AddressInfo;
      const r = await field(
        ['chat', '--agent', ASHA, '--as-of', NOW],
        { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` },
        "what's on my plate?\nexit\n",
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Start with your P1 tickets.');
      expect(r.stdout).toMatch(/\(my-tickets, 1 turn, \$0\.\d{4}\)/);
      expect(requests).toHaveLength(1);
      expect(requests[0]!.system).toMatch(/my-tickets/);
      expect(requests[0]!.user).toContain(ASHA);
      expect(requests[0]!.tools).toContain('tickets_list');
    });
  });

  it('start and reopen: only the assignee; start sets IN_PROGRESS, reopen needs a reason and restarts the SLA clock', async () => {
    const open = (await myTickets(ASHA)).tickets.find((x) => x.status === 'OPEN' && !x.completed)!;
    expect((await asAgent(BILAL, ['start', open.order_id])).code).toBe(6);
    const started = await asAgent(ASHA, ['start', open.order_id, '--json']);
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ ticket: { order_id: open.order_id, status: 'IN_PROGRESS' } });
    expect(await withStore(async (store) => (await store.getTicket(open.order_id))?.status)).toBe('IN_PROGRESS');
    expect((await asAgent(ASHA, ['start', open.order_id])).code).toBe(0);

    const resolved = await withStore(async (store) => (await store.listTickets({ agentEmail: ASHA, statuses: ['RESOLVED'] }))[0]!);
    const startResolved = await asAgent(ASHA, ['start', resolved.order_id]);
    expect(startResolved.code).toBe(1);
    expect(startResolved.stderr).toContain(`ecm-field reopen ${resolved.order_id}`);
    expect((await asAgent(ASHA, ['reopen', resolved.order_id])).code).toBe(3);
    expect((await asAgent(BILAL, ['reopen', resolved.order_id, '--reason', 'not credited'])).code).toBe(6);
    expect((await asAgent(ASHA, ['reopen', open.order_id, '--reason', 'not credited'])).code).toBe(1);
    const reopened = await asAgent(ASHA, ['reopen', resolved.order_id, '--reason', 'customer reports no credit', '--json']);
    expect(reopened.code, reopened.stderr).toBe(0);
    expect(JSON.parse(reopened.stdout)).toMatchObject({ ticket: { status: 'OPEN', assigned_at: new Date(NOW).toISOString() } });
    expect((await myTickets(ASHA)).tickets.map((x) => x.order_id)).toContain(resolved.order_id);
    const history = await withStore((store) => store.listTicketHistory(resolved.order_id));
    expect(history).toEqual([expect.objectContaining({ action: 'REOPENED', by: ASHA, reason: 'customer reports no credit' })]);
  });
});

// tmux drives the prompts in a real terminal; CI installs it (apt-get install tmux).
describe('ecm-field in a real terminal', () => {
  const terminals: TmuxTerminal[] = [];
  beforeAll(() => {
    if (!hasTmux) throw new Error('the terminal tests need tmux: apt-get install tmux');
  });
  const terminal = (args: readonly string[], tag: string, extra: NodeJS.ProcessEnv = {}) => {
    const t = new TmuxTerminal(demo.home, ['node', FIELD_BIN, ...args], cliEnv(demo.home, { TERM: 'xterm-256color', ...extra }), tag);
    terminals.push(t);
    return t;
  };
  afterAll(() =>
    terminals.forEach((t) => {
      t.close();
    }),
  );

  it('resolve asks for notes and the three answers with arrow keys, defaults on Enter', async () => {
    // Not the ticket reopened at NOW above: it was already resolved once at this same --as-of instant.
    const t = (await myTickets(ASHA)).tickets.find(
      (x) => x.status === 'OPEN' && !x.completed && new Date(x.assigned_at).getTime() !== new Date(NOW).getTime(),
    )!;
    const term = terminal(['resolve', t.order_id, '--agent', ASHA, '--as-of', NOW], 'resolve');
    await term.waitFor(/Resolution notes \(what was done\):/);
    term.type('Lulu credited after recon; ref L-42');
    await term.waitFor(/Was the diagnosis right\?[\s\S]*❯ CORRECT/);
    term.keys('Down');
    await term.waitFor(/❯ PARTIAL/);
    term.keys('Enter');
    await term.waitFor(/✔ Was the diagnosis right\? PARTIAL/);
    await term.waitFor(/Did you follow the suggested action\?[\s\S]*❯ YES/);
    term.keys('Enter'); // the default
    await term.waitFor(/✔ Did you follow the suggested action\? YES/);
    await term.waitFor(/How was it resolved\?[\s\S]*❯ AGENT_RESOLVED/);
    term.keys('Down', 'Down');
    await term.waitFor(/❯ FALSE_POSITIVE/);
    term.keys('Enter');
    const screen = await term.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/EXIT=0/);
    expect(screen).toContain(`Resolved ${t.order_id} in 1h 30m`);
    expect(screen).toMatch(/PARTIAL \/ YES \/ FALSE_POSITIVE/);
    expect(screen).toMatch(/open tickets? left; next:/);

    const row = await withStore(async (store) =>
      (await store.listResolutions(new Date(DEMO_AS_OF))).find((r) => r.order_id === t.order_id),
    );
    expect(row).toMatchObject({
      agent_email: ASHA,
      notes: 'Lulu credited after recon; ref L-42',
      diagnosis_match: 'PARTIAL',
      action_followed: 'YES',
      resolution_type: 'FALSE_POSITIVE',
      resolution_minutes: 90,
    });
  });

  it('Ctrl-C at a question changes nothing', async () => {
    const t = (await myTickets(ASHA)).tickets.find((x) => x.status === 'OPEN' && !x.completed)!;
    const term = terminal(['resolve', t.order_id, '--notes', 'done', '--agent', ASHA, '--as-of', NOW], 'cancel');
    await term.waitFor(/Was the diagnosis right\?/);
    term.keys('C-c');
    const screen = await term.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/cancelled; nothing was changed/);
    expect(screen).toMatch(/EXIT=1/);
    expect(await withStore(async (store) => (await store.getTicket(t.order_id))?.status)).toBe('OPEN');
  });

  it('asks who you are once, remembers it in ECM_HOME, and forgets it on request', async () => {
    const term = terminal(['whoami'], 'whoami');
    await term.waitFor(/Your e-mail as in the Agents tab/);
    term.type('Bilal.Ops@example.com');
    const screen = await term.waitFor(/EXIT=\d+/);
    expect(screen).toMatch(/Bilal Sample <bilal\.ops@example\.com> · Ops/);
    const again = await field(['whoami', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ agent: { email: BILAL }, source: 'remembered' });
    expect((await field(['whoami', '--forget'])).code).toBe(0);
    expect((await field(['whoami'])).code).toBe(3);
  });

  it('colours SLA bands on a terminal, and not with NO_COLOR', async () => {
    const coloured = terminal(['my-tickets', '--agent', ASHA, '--as-of', NOW], 'colour');
    await coloured.waitFor(/EXIT=0/);
    expect(coloured.screen({ colour: true })).toMatch(/\x1b\[[0-9;]*m(OK|WARNING|CRITICAL|BREACHED)/);
    const plain = terminal(['my-tickets', '--agent', ASHA, '--as-of', NOW], 'nocolour', { NO_COLOR: '1' });
    await plain.waitFor(/EXIT=0/);
    expect(plain.screen({ colour: true })).not.toMatch(/\x1b\[/);
  });
});
