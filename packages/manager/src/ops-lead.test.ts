import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTicketStore, openStateDb } from '@ecm/core/stores';
import {
  dmChannelOf,
  startFakeSlack,
  workspaceResponder,
  type FakeSlack,
  type ReceivedCall,
  type Responder,
} from '../../core/src/slack/__fixtures__/fake-slack-api.js';
import { seededCliHome } from './__fixtures__/demo-home.js';
import { runNode } from './__fixtures__/run-node.js';

/**
 * What an ops lead does, through the built CLI against a local Slack stand-in: the daily run with 40
 * agents, the ticket board, reassign and handover, and the hourly SLA watch (including a run killed
 * with SIGKILL half-way).
 */

const CLI = fileURLToPath(new URL('../bin/ecm-manager.js', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));
const ESCALATION = fileURLToPath(new URL('../../../ESCALATION.md', import.meta.url));
const AS_OF = '2026-02-17T01:30:00Z'; // 07:00 IST
const REPORT = 'C0REPORT01';
const OPS_CHANNEL = 'C0OPSTEAM1';
const CRITICAL = 'C0CRITICAL';
const HOUR = 3_600_000;
const later = (hours: number) => new Date(Date.parse(AS_OF) + hours * HOUR).toISOString();

const TEAMS = [...Array(20).fill('Ops'), ...Array(10).fill('KYC_ops'), ...Array(10).fill('VDA_ops')] as string[];
const AGENTS = TEAMS.map((team, i) => ({
  email: `agent${String(i + 1).padStart(2, '0')}.${team.toLowerCase().replace('_', '')}@example.com`,
  team,
}));
/** Two agents Slack does not know: they must be named in plain text, never fail a run. */
const UNKNOWN = new Set([AGENTS[0]!.email, AGENTS[25]!.email]);
const USERS: Record<string, string> = Object.fromEntries([
  ...AGENTS.filter((a) => !UNKNOWN.has(a.email)).map((a, i) => [a.email, `U${String(i + 1).padStart(6, '0')}`]),
  ['ops-lead@example.com', 'U0OPSLEAD'],
  ['head-of-operations@example.com', 'U0HEADOPS'],
]);

let home: string;
let shared: string;
let fake: FakeSlack;
/** Agents who got tickets in the daily run (their Slack ids are cached from then on). */
const dailyAssignees = new Set<string>();

const slackEnv = () => ({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL_ID: REPORT, SLACK_API_URL: fake.url, ECM_DEMO: '1' });
const env = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: home,
  ECM_HOME: home,
  ECM_SHARED_DIR: shared,
  ECM_ESCALATION_FILE: ESCALATION,
  ...extra,
});

const cli = (args: string[], extra: Record<string, string> = {}, onStart?: (kill: () => void) => void) =>
  runNode(CLI, args, env(extra), onStart);

const posts = (since = 0) => fake.posted().filter((c) => fake.calls.indexOf(c) >= since);
const channelOf = (c: ReceivedCall) => c.params.channel ?? '';
const textOf = (c: ReceivedCall) => JSON.stringify(c.blocks ?? c.params.text);

/** Every SLA-watch line posted: (order, level, daily update?). */
function slaLines(calls: readonly ReceivedCall[]): { order: string; level: string; daily: boolean; channel: string; text: string }[] {
  const out: { order: string; level: string; daily: boolean; channel: string; text: string }[] = [];
  for (const c of calls) {
    for (const line of textOf(c).split('\\n')) {
      const m = /\*(L1|L2|L3|BREACH)\* ([^`]*)`(ORD-\d+)`/.exec(line);
      if (m) out.push({ level: m[1]!, daily: m[2]!.includes('daily update'), order: m[3]!, channel: channelOf(c), text: line });
    }
  }
  return out;
}

beforeAll(async () => {
  home = await seededCliHome('ecm-ops-lead-');
  shared = mkdtempSync(path.join(os.tmpdir(), 'ecm-ops-lead-shared-'));
  cpSync(SHARED, shared, { recursive: true });
  const config = path.join(shared, 'config', 'ecm.yaml');
  writeFileSync(
    config,
    readFileSync(config, 'utf8')
      .replace('team_channels: {}', `team_channels: { Ops: ${OPS_CHANNEL} }`)
      .replace('critical_channel: null', `critical_channel: ${CRITICAL}`),
  );
  fake = await startFakeSlack();
  fake.respond(workspaceResponder(fake, { users: USERS }));
  const csv = path.join(home, 'agents.csv');
  // Exactly these 40 active agents: the demo roster that `demo seed` adds is imported as inactive.
  const demo = readFileSync(path.join(SHARED, 'demo', 'agents.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  const inactiveDemo = demo.map(([email, name, team]) => `${email},${name},${team},,FALSE,10`);
  writeFileSync(
    csv,
    `Email,Name,Team,Slack Handle,Active,Max Tickets\n${[...AGENTS.map((a, i) => `${a.email},Agent ${i + 1},${a.team},@agent${i + 1},TRUE,10`), ...inactiveDemo].join('\n')}\n`,
  );
  const imported = await cli(['agents', 'import', csv]);
  expect(imported.code, imported.stderr).toBe(0);
}, 900_000);

afterAll(async () => {
  await fake?.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

describe('the daily run with 40 agents', () => {
  let daily: Awaited<ReturnType<typeof cli>>;
  let from: number;
  beforeAll(async () => {
    from = fake.calls.length;
    daily = await cli(['daily', '--as-of', AS_OF, '--json'], slackEnv());
  }, 900_000);

  it('keeps the report channel to about a dozen posts and sends each agent their queue by direct message', () => {
    expect(daily.code, daily.stderr).toBe(0);
    const triage = (
      JSON.parse(daily.stdout) as { phases: { phase: string; facts: { assignments: { agent_email: string }[] } }[] }
    ).phases.find((p) => p.phase === 'triage')!;
    const assignees = new Set(triage.facts.assignments.map((a) => a.agent_email));
    for (const a of assignees) dailyAssignees.add(a);
    expect(assignees.size).toBeGreaterThan(15);
    const made = posts(from);
    const toReport = made.filter((c) => channelOf(c) === REPORT);
    expect(toReport.length).toBeGreaterThan(3);
    // About a dozen for the three reports together; the triage thread does not grow with the agents Slack knows.
    expect(toReport.length).toBeLessThanOrEqual(13);
    const triageMain = toReport.find((c) => !c.params.thread_ts && (c.params.text ?? '').includes('orders assigned'))!;
    const triageTs = (triageMain.answer!.body as { ts: string }).ts;
    // The assignment table, the insights line, and a reply each for the few agents Slack does not know.
    const unknownAssignees = [...assignees].filter((e) => !USERS[e]).length;
    expect(toReport.filter((c) => c.params.thread_ts === triageTs).length).toBeLessThanOrEqual(2 + unknownAssignees);
    const dms = made.filter((c) => channelOf(c).startsWith('D') && !c.params.thread_ts);
    const reachable = [...assignees].filter((e) => USERS[e]);
    expect(dms.map(channelOf).sort()).toEqual(reachable.map((e) => dmChannelOf(USERS[e]!)).sort());
    // Agents Slack does not know keep their queue in the report thread (or its pointer), by plain name.
    expect(fake.calls.filter((c) => c.method === 'users.lookupByEmail').length).toBeGreaterThanOrEqual(assignees.size);
  });
});

describe('ecm-manager tickets', () => {
  it('--json lists every open ticket with SLA band and a per-agent and per-team summary; filters narrow', async () => {
    const all = JSON.parse((await cli(['tickets', '--as-of', later(2), '--json'])).stdout) as {
      tickets: {
        order_id: string;
        agent_email: string;
        team: string;
        status: string;
        sla_band: string;
        sla_left_minutes: number;
        age_hours: number;
      }[];
      summary: {
        total: number;
        by_agent: { agent_email: string; open: number }[];
        by_team: { team: string; open: number; breached: number }[];
      };
    };
    expect(all.tickets.length).toBeGreaterThan(10);
    expect(all.summary.total).toBe(all.tickets.length);
    expect(all.summary.by_team.reduce((n, t) => n + t.open, 0)).toBe(all.tickets.length);
    expect(all.summary.by_agent.reduce((n, t) => n + t.open, 0)).toBe(all.tickets.length);
    expect(all.tickets.length).toBeGreaterThan(0);
    expect(all.tickets.every((t) => ['OPEN', 'IN_PROGRESS', 'ESCALATED'].includes(t.status))).toBe(true);
    expect(new Set(all.tickets.map((t) => t.sla_band)).size).toBeGreaterThan(1);

    const agent = all.tickets[0]!.agent_email;
    const mine = JSON.parse((await cli(['tickets', '--as-of', later(2), '--json', '--agent', agent])).stdout) as {
      tickets: { agent_email: string }[];
    };
    expect(mine.tickets.length).toBe(all.tickets.filter((t) => t.agent_email === agent).length);
    const kyc = JSON.parse((await cli(['tickets', '--as-of', later(2), '--json', '--team', 'KYC_ops'])).stdout) as {
      tickets: { team: string }[];
    };
    expect(kyc.tickets.length).toBe(all.tickets.filter((t) => t.team === 'KYC_ops').length);
    const breached = JSON.parse((await cli(['tickets', '--as-of', later(2), '--json', '--breached'])).stdout) as {
      tickets: { sla_band: string; sla_left_minutes: number }[];
    };
    expect(breached.tickets.length).toBe(all.tickets.filter((t) => t.sla_band === 'BREACHED').length);
    expect(breached.tickets.length).toBeGreaterThan(0);
    expect(breached.tickets.every((t) => t.sla_left_minutes < 0)).toBe(true);
  }, 600_000);

  it('--csv has a header row and one line per ticket; the table fits 80 columns; bad filters exit 3', async () => {
    const csv = (await cli(['tickets', '--as-of', later(2), '--csv', '--status', 'OPEN'])).stdout.trim().split('\n');
    expect(csv[0]).toBe(
      'order_id,agent_email,agent_name,team,status,priority,stuck_reason,currency,amount,assigned_at,age_hours,sla_left_minutes,sla_band',
    );
    expect(csv.length).toBeGreaterThan(2);
    expect(csv.slice(1).length).toBeGreaterThan(0);
    expect(csv.slice(1).every((l) => l.split(',')[4] === 'OPEN')).toBe(true);
    const table = await cli(['tickets', '--as-of', later(2)]);
    expect(table.stdout.trim().split('\n').length).toBeGreaterThan(1);
    expect(table.stdout.split('\n').every((line) => [...line].length <= 80)).toBe(true);
    expect(table.stdout).toContain('BY TEAM');
    expect((await cli(['tickets', '--team', 'Sales'])).code).toBe(3);
    expect((await cli(['tickets', '--status', 'DONE'])).code).toBe(3);
  }, 600_000);
});

describe('reassign and handover', () => {
  const board = async () =>
    (JSON.parse((await cli(['tickets', '--json'])).stdout) as { tickets: { order_id: string; agent_email: string; team: string }[] })
      .tickets;

  it('reassign refuses an unknown or inactive agent, moves to an active team-mate, records who/when/why and notifies by DM', async () => {
    const tickets = await board();
    const ticket = tickets.find((t) => t.team === 'Ops')!;
    const mate = AGENTS.find(
      (a) => a.team === 'Ops' && a.email !== ticket.agent_email && !UNKNOWN.has(a.email) && a.email !== AGENTS[19]!.email,
    )!.email;
    const unknown = await cli(['tickets', 'reassign', ticket.order_id, '--to', 'nobody@example.com'], slackEnv());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not in the agent roster');
    expect((await cli(['agents', 'deactivate', AGENTS[19]!.email])).code).toBe(0);
    const inactive = await cli(['tickets', 'reassign', ticket.order_id, '--to', AGENTS[19]!.email], slackEnv());
    expect(inactive.code).toBe(1);
    expect(inactive.stderr).toContain('is inactive');
    const otherTeam = await cli(['tickets', 'reassign', ticket.order_id, '--to', AGENTS[30]!.email], slackEnv());
    expect(otherTeam.code).toBe(1);

    const before = fake.calls.length;
    const moved = await cli(['tickets', 'reassign', ticket.order_id, '--to', mate, '--reason', 'Owner on leave', '--json'], {
      ...slackEnv(),
      ECM_OPERATOR: 'lead.ops@example.com',
    });
    expect(moved.code, moved.stderr).toBe(0);
    expect((await board()).find((t) => t.order_id === ticket.order_id)?.agent_email).toBe(mate);
    const dm = posts(before).filter((c) => channelOf(c) === dmChannelOf(USERS[mate]!));
    expect(dm).toHaveLength(1);
    expect(textOf(dm[0]!)).toContain(ticket.order_id);

    const state = await openStateDb({ env: { ECM_HOME: home } });
    try {
      const history = await new LocalTicketStore(state).listTicketHistory(ticket.order_id);
      expect(history).toEqual([
        expect.objectContaining({
          action: 'REASSIGNED',
          from_agent: ticket.agent_email,
          to_agent: mate,
          by: 'lead.ops@example.com',
          reason: 'Owner on leave',
        }),
      ]);
    } finally {
      await state.close();
    }
  }, 900_000);

  it('handover moves every open ticket to active team-mates with room, never over Max Tickets or across teams', async () => {
    const tickets = await board();
    const load = (email: string, list = tickets) => list.filter((t) => t.agent_email === email).length;
    const leaver = AGENTS.filter((a) => a.team === 'KYC_ops')
      .map((a) => a.email)
      .sort((a, b) => load(b) - load(a))[0]!;
    const theirs = tickets.filter((t) => t.agent_email === leaver);
    expect(theirs.length).toBeGreaterThan(0);
    // Fill every KYC team-mate but one to their Max Tickets: only that one has room.
    const mates = AGENTS.filter((a) => a.team === 'KYC_ops' && a.email !== leaver).map((a) => a.email);
    const roomy = mates.find((e) => !UNKNOWN.has(e))!;
    const csv = path.join(home, 'caps.csv');
    writeFileSync(
      csv,
      `Email,Name,Team,Active,Max Tickets\n${mates.map((e) => `${e},${e},KYC_ops,TRUE,${e === roomy ? load(e) + 1 : Math.max(load(e), 0)}`).join('\n')}\n`,
    );
    expect((await cli(['agents', 'import', csv])).code).toBe(0);
    expect((await cli(['agents', 'deactivate', leaver])).code).toBe(0);

    const out = await cli(['tickets', 'handover', '--from', leaver, '--reason', 'Left the team', '--json'], slackEnv());
    expect([0, 2]).toContain(out.code);
    const result = JSON.parse(out.stdout) as { moved: { order_id: string; to: string }[]; stranded: string[] };
    expect(result.moved.map((m) => m.to)).toEqual([roomy]);
    expect(result.stranded).toHaveLength(theirs.length - 1);
    const after = await board();
    expect(after.filter((t) => t.agent_email === roomy)).toHaveLength(load(roomy) + 1);
    for (const m of result.moved) expect(AGENTS.find((a) => a.email === m.to)?.team).toBe('KYC_ops');
  }, 900_000);
});

describe('ecm-manager sla', () => {
  it('raises each ladder level once per ticket over repeated runs, in the team channel, with real mentions; unknown users in plain text', async () => {
    const from = fake.calls.length;
    const first = await cli(['sla', '--as-of', later(3)], slackEnv());
    expect(first.code, first.stderr).toBe(0);
    const again = await cli(['sla', '--as-of', later(3.2)], slackEnv());
    expect(again.code, again.stderr).toBe(0);
    const forced = await cli(['sla', '--as-of', later(3.3), '--force'], slackEnv());
    expect(forced.code, forced.stderr).toBe(0);
    const next = await cli(['sla', '--as-of', later(5)], slackEnv());
    expect(next.code, next.stderr).toBe(0);

    const lines = slaLines(posts(from));
    expect(lines.length).toBeGreaterThan(5);
    // User ids are cached in the state store: Slack is asked again only about those it did not know.
    const lookups = fake.calls
      .slice(from)
      .filter((c) => c.method === 'users.lookupByEmail')
      .map((c) => c.params.email!);
    expect(lookups.filter((e) => dailyAssignees.has(e) && USERS[e])).toEqual([]);
    expect(lookups.filter((e) => UNKNOWN.has(e)).length).toBeGreaterThan(0);
    const keys = lines.map((l) => `${l.order}|${l.level}|${l.daily}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(lines.some((l) => l.level === 'L2' || l.level === 'L3')).toBe(true);
    // 48 h critical to the critical channel; everything else of Ops to its team channel, the rest to the report channel.
    for (const l of lines.filter((x) => x.level === 'L3')) expect(l.channel).toBe(CRITICAL);
    expect(lines.some((l) => l.channel === OPS_CHANNEL)).toBe(true);
    expect(lines.filter((l) => l.level !== 'L3').length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.level !== 'L3').every((l) => [OPS_CHANNEL, REPORT].includes(l.channel))).toBe(true);
    // Real mentions: the L2 line tags the team lead, every line tags the owner by id when Slack knows them.
    const l2 = lines.find((l) => l.level === 'L2' && l.channel === OPS_CHANNEL);
    if (l2) expect(l2.text).toContain('<@U0OPSLEAD>');
    expect(lines.some((l) => /<@U0\d{5}>/.test(l.text))).toBe(true);
    // An agent Slack does not know is named by handle, and the run still succeeded.
    const owners = new Map(
      (
        JSON.parse((await cli(['tickets', '--json', '--all'])).stdout) as { tickets: { order_id: string; agent_email: string }[] }
      ).tickets.map((t) => [t.order_id, t.agent_email]),
    );
    for (const l of lines.filter((x) => x.level === 'L1' || x.level === 'BREACH')) {
      const owner = owners.get(l.order)!;
      if (USERS[owner]) expect(l.text).toContain(`<@${USERS[owner]}>`);
      else expect(l.text).not.toMatch(/<@U/);
      if (UNKNOWN.has(owner)) expect(l.text).toMatch(/@agent(1|26)\b/);
    }
  }, 900_000);

  it('the 48 h level repeats once a day only', async () => {
    const from = fake.calls.length;
    expect((await cli(['sla', '--as-of', later(26)], slackEnv())).code).toBe(0);
    expect((await cli(['sla', '--as-of', later(27)], slackEnv())).code).toBe(0);
    const lines = slaLines(posts(from));
    const daily = lines.filter((l) => l.daily);
    expect(daily.length).toBeGreaterThan(0);
    expect(new Set(daily.map((l) => l.order)).size).toBe(daily.length);
  }, 600_000);

  /**
   * Runs `sla` at `asOf` and SIGKILLs it while its second post waits on Slack (a 503 that is never
   * delivered): the process dies between two posts. Slack answers normally again afterwards.
   */
  async function killSlaRunAtSecondPost(asOf: string): Promise<void> {
    let killNow: (() => void) | null = null;
    let postsSeen = 0;
    const crash: Responder = (call) => {
      if (call.method !== 'chat.postMessage') return undefined;
      postsSeen += 1;
      if (postsSeen === 2) {
        setTimeout(() => killNow?.(), 50);
        return { status: 503, delayMs: 60_000, body: { ok: false, error: 'service_unavailable' } };
      }
      return undefined;
    };
    fake.respond(workspaceResponder(fake, { users: USERS }, crash));
    try {
      const killed = await cli(['sla', '--as-of', asOf], slackEnv(), (kill) => (killNow = kill));
      expect(killed.signal).toBe('SIGKILL');
    } finally {
      fake.respond(workspaceResponder(fake, { users: USERS }));
    }
  }

  it('raises each level exactly once when a run is killed (SIGKILL) half-way and run again', async () => {
    const from = fake.calls.length;
    await killSlaRunAtSecondPost(later(52));
    expect(posts(from).length).toBe(1);
    const rerun = await cli(['sla', '--as-of', later(52)], slackEnv());
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('resuming');
    const laterRun = await cli(['sla', '--as-of', later(53)], slackEnv());
    expect(laterRun.code, laterRun.stderr).toBe(0);
    const lines = slaLines(posts(from));
    expect(lines.length).toBeGreaterThan(1);
    const keys = lines.map((l) => `${l.order}|${l.level}|${l.daily}`);
    expect(new Set(keys).size).toBe(keys.length);
  }, 900_000);
  it('posts the levels an earlier slot recorded exactly once when its run was killed (SIGKILL) and the next run is the next hour', async () => {
    const from = fake.calls.length;
    // A new day: every 48 h ticket gets its daily update, more than one post.
    await killSlaRunAtSecondPost(later(72));
    expect(posts(from).length).toBe(1);

    // What the killed run recorded as raised: its levels are in sla_alerts, its alerts in its saved plan.
    const state = await openStateDb({ env: { ECM_HOME: home } });
    let planned: string[];
    let killedKey: string;
    try {
      const [run] = await state.query(`SELECT run_key, status, plan FROM runs WHERE phase = 'sla' AND as_of = $1`, [later(72)]);
      expect(run?.status).toBe('written');
      killedKey = String(run!.run_key);
      const plan = (typeof run!.plan === 'string' ? JSON.parse(run!.plan) : run!.plan) as {
        facts: { alerts: { order_id: string; level: string }[] };
      };
      planned = plan.facts.alerts.map((a) => `${a.order_id}|${a.level}`).sort();
      const [recorded] = await state.query('SELECT count(*) AS n FROM sla_alerts WHERE run_key = $1', [killedKey]);
      expect(Number(recorded!.n)).toBeGreaterThanOrEqual(planned.length);
    } finally {
      await state.close();
    }
    expect(planned.length).toBeGreaterThan(1);

    // The next hour is a new slot: it finishes the killed slot's plan before planning its own.
    const next = await cli(['sla', '--as-of', later(73)], slackEnv());
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`finishing the unfinished run ${killedKey}`);
    const again = await cli(['sla', '--as-of', later(74)], slackEnv());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('finishing the unfinished run');

    const lines = slaLines(posts(from));
    const keys = lines.map((l) => `${l.order}|${l.level}|${l.daily}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Every alert of the killed plan is in Slack exactly once.
    expect(lines.map((l) => `${l.order}|${l.level}`).sort()).toEqual(planned);
    const after = await openStateDb({ env: { ECM_HOME: home } });
    try {
      const [run] = await after.query('SELECT status FROM runs WHERE run_key = $1', [killedKey]);
      expect(run?.status).toBe('succeeded');
    } finally {
      await after.close();
    }
  }, 900_000);
});
