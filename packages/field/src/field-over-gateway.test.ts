import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lockFilePath, openStateDb } from '@ecm/core/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  buildGateway,
  gatewayBin,
  gatewayEnv,
  startHttpGatewayProcess,
  type HttpGatewayProcess,
} from '../../gateway/src/__fixtures__/gateway-process.js';
import { cliEnv, FIELD_BIN, NOW, runNode, seedSmallDemo } from './__fixtures__/run-cli.js';

const ASHA = 'asha.ops@example.com';
const BILAL = 'bilal.ops@example.com';

const queueJson = z.object({
  agent: z.object({ email: z.string(), name: z.string(), team: z.string() }),
  open: z.number().int(),
  live_status: z.string(),
  tickets: z.array(
    z.object({
      order_id: z.string(),
      status: z.string(),
      stuck_reason: z.string(),
      completed: z.boolean(),
      sla: z.object({ elapsed_minutes: z.number() }),
    }),
  ),
});

/** Who holds the embedded stores' lock file of the demo home now (null: nobody). */
function lockHolder(): string | null {
  try {
    return (JSON.parse(readFileSync(lockFilePath({ ECM_HOME: home }), 'utf8')) as { holder: string }).holder;
  } catch {
    return null;
  }
}

async function until(ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 20_000; !ok(); await new Promise((r) => setTimeout(r, 10)))
    if (Date.now() > deadline) throw new Error('timed out waiting');
}

/**
 * Gateways here hand the stores over 1 s after their last call instead of 5 s: every turn-taking
 * below waits for a hand-over, and the wait is the same path at either length.
 */
const HAND_OVER_SOON = { ECM_GATEWAY_HAND_OVER_SECONDS: '1' };

let home = '';
/** The agent's laptop: an empty ECM_HOME and no store URL — only the gateway's address and a token. */
let laptop = '';
let gw: HttpGatewayProcess | null = null;
const issued = new Map<string, string>();

const gatewayCli = (args: readonly string[]) => runNode(gatewayBin, args, gatewayEnv(home));
const fieldAs = (token: string, args: readonly string[]) =>
  runNode(
    FIELD_BIN,
    [...args, ...(args.includes('--as-of') ? [] : ['--as-of', NOW])],
    cliEnv(laptop, { ECM_GATEWAY_URL: gw!.url, ECM_GATEWAY_TOKEN: token }),
  );
const asAgent = (email: string, args: readonly string[]) => fieldAs(issued.get(email)!, args);

async function queueOf(email: string) {
  const r = await asAgent(email, ['my-tickets', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return queueJson.parse(JSON.parse(r.stdout));
}

beforeAll(async () => {
  await buildGateway();
  home = await seedSmallDemo();
  laptop = mkdtempSync(path.join(os.tmpdir(), 'ecm-laptop-'));
  // Issued before the gateway starts: the embedded state store admits one process at a time.
  for (const email of [ASHA, BILAL]) {
    const r = await gatewayCli(['tokens', 'issue', '--agent', email, '--by', 'lena.lead@example.com']);
    expect(r.code, r.stderr).toBe(0);
    issued.set(email, r.stdout.trim());
  }
  gw = await startHttpGatewayProcess(['--as-of', NOW, '--allow-pii'], gatewayEnv(home, HAND_OVER_SOON));
}, 600_000);
afterAll(async () => {
  await gw?.stop();
  for (const dir of [home, laptop]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ecm-gateway tokens', () => {
  it('issues to roster agents only and never lists a secret', async () => {
    expect(issued.get(ASHA)).toMatch(/^ecmt_/);
    // The gateway holds the embedded store now; the list was checked above through the issue output, and below after it stops.
    const unknown = await runNode(
      gatewayBin,
      ['tokens', 'issue', '--agent', 'nobody@example.com'],
      gatewayEnv(mkdtempSync(path.join(os.tmpdir(), 'ecm-empty-'))),
    );
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toMatch(/not an agent/);
    expect(unknown.stdout).toBe('');
  });
});

describe('ecm-field through the HTTP gateway with a personal token', () => {
  it("my-tickets: the token's agent queue, with live status, from a machine without database settings", async () => {
    const q = await queueOf(ASHA);
    expect(q.agent.email).toBe(ASHA);
    expect(q.open).toBe(q.tickets.length);
    expect(q.tickets.length).toBeGreaterThan(3);
    expect(q.live_status).toBe('ok');
    for (const t of q.tickets) expect(t.sla.elapsed_minutes).toBe(90);
    const text = await asAgent(ASHA, ['my-tickets']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`(${ASHA}, Ops) — ${q.open} open tickets`);
    const who = await asAgent(ASHA, ['whoami', '--json']);
    expect(JSON.parse(who.stdout)).toMatchObject({ agent: { email: ASHA }, source: 'token' });
  });

  it('refuses --agent, a forged token and a missing one, saying why', async () => {
    const flag = await asAgent(ASHA, ['my-tickets', '--agent', BILAL]);
    expect(flag.code).toBe(3);
    expect(flag.stderr).toMatch(/--agent is only for the embedded single-user mode/);
    const forged = await fieldAs(`ecmt_${'x'.repeat(43)}`, ['my-tickets']);
    expect(forged.code).toBe(6);
    expect(forged.stderr).toMatch(/refused ECM_GATEWAY_TOKEN/);
    const stolenShape = await fieldAs(`${issued.get(ASHA)!.slice(0, -2)}zz`, ['whoami']);
    expect(stolenShape.code).toBe(6);
    const none = await runNode(FIELD_BIN, ['my-tickets'], cliEnv(laptop, { ECM_GATEWAY_URL: gw!.url }));
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/ECM_GATEWAY_TOKEN is not/);
  });

  it("cannot act on another agent's ticket nor reveal its customer", async () => {
    const bilals = (await queueOf(BILAL)).tickets.find((t) => t.status === 'OPEN' && !t.completed)!;
    expect(bilals).toBeDefined();
    for (const args of [
      ['start', bilals.order_id],
      ['resolve', bilals.order_id, '--notes', 'done'],
      ['escalate', bilals.order_id, '--reason', 'blocked'],
      ['reopen', bilals.order_id, '--reason', 'not fixed'],
      ['order', bilals.order_id, '--reveal-pii'],
    ]) {
      const r = await asAgent(ASHA, args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(6);
    }
    const masked = await asAgent(ASHA, ['order', bilals.order_id, '--json']);
    expect(masked.code, masked.stderr).toBe(0);
    expect(JSON.parse(masked.stdout)).toMatchObject({
      order: { customer: { masked: true } },
      ticket: { agent_email: BILAL, yours: false },
    });
    expect((await queueOf(BILAL)).tickets.find((t) => t.order_id === bilals.order_id)?.status).toBe('OPEN');
  });

  it("order, start, resolve with feedback, escalate, correct and proposals as the token's agent", async () => {
    const mine = (await queueOf(ASHA)).tickets.filter((t) => t.status === 'OPEN' && !t.completed);
    expect(mine.length).toBeGreaterThan(2);
    const [a, b, c] = mine as [(typeof mine)[number], (typeof mine)[number], (typeof mine)[number]];

    const revealed = await asAgent(ASHA, ['order', a.order_id, '--reveal-pii', '--json']);
    expect(revealed.code, revealed.stderr).toBe(0);
    expect(JSON.parse(revealed.stdout)).toMatchObject({ order: { customer: { masked: false } }, ticket: { yours: true } });

    const started = await asAgent(ASHA, ['start', a.order_id, '--json']);
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ ticket: { order_id: a.order_id, status: 'IN_PROGRESS' } });

    const resolved = await asAgent(ASHA, [
      'resolve',
      a.order_id,
      '--notes',
      'refund ref R-1 initiated',
      '--diagnosis-match',
      'partial',
      '--json',
    ]);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(JSON.parse(resolved.stdout)).toMatchObject({
      resolution: { order_id: a.order_id, agent_email: ASHA, diagnosis_match: 'PARTIAL', action_followed: 'YES' },
    });
    const again = await asAgent(ASHA, ['resolve', a.order_id, '--notes', 'twice']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already resolved/);

    const escalated = await asAgent(ASHA, ['escalate', b.order_id, '--reason', 'Lulu silent for 2 days', '--json']);
    expect(escalated.code, escalated.stderr).toBe(0);
    expect(JSON.parse(escalated.stdout)).toMatchObject({
      escalation: { order_id: b.order_id, escalated_by: ASHA },
      slack: { posted: true },
    });

    const otherReason = c.stuck_reason === 'brn_issue' ? 'refund_pending' : 'brn_issue';
    const corrected = await asAgent(ASHA, ['correct', 'order', c.order_id, '--reason', otherReason, '--json']);
    expect(corrected.code, corrected.stderr).toBe(0);
    expect(JSON.parse(corrected.stdout)).toMatchObject({
      classification_correction: { order_id: c.order_id, corrected_by: ASHA, corrected_reason: otherReason },
    });
    const badReason = await asAgent(ASHA, ['correct', 'order', c.order_id, '--reason', 'not_a_reason']);
    expect(badReason.code).toBe(3);

    const proposals = await asAgent(ASHA, ['proposals', '--json']);
    expect(proposals.code, proposals.stderr).toBe(0);
    expect(JSON.parse(proposals.stdout)).toMatchObject({ agent: ASHA, supervisor: false });

    const left = await queueOf(ASHA);
    expect(left.tickets.map((t) => t.order_id)).not.toContain(a.order_id);
    expect(left.tickets.find((t) => t.order_id === b.order_id)?.status).toBe('ESCALATED');
  });
});

describe('beside a running gateway on the embedded stores', () => {
  // Two processes on one embedded data folder overwrite each other's writes. The gateway holds the
  // store lock only while calls come, so a terminal command and a lead's token command get their turn
  // between calls, and the gateway sees what they wrote.
  let started = '';
  let secondToken = '';

  it('a field command on the same home waits its turn, writes, and the gateway sees the write', async () => {
    const open = (await queueOf(BILAL)).tickets.filter((t) => t.status === 'OPEN' && !t.completed);
    expect(open.length).toBeGreaterThan(0);
    started = open[0]!.order_id;
    // The gateway has just answered, so it holds the stores: this command waits for them.
    const local = await runNode(FIELD_BIN, ['start', started, '--agent', BILAL, '--as-of', NOW, '--json'], cliEnv(home));
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout)).toMatchObject({ ticket: { order_id: started, status: 'IN_PROGRESS' } });
    expect((await queueOf(BILAL)).tickets.find((t) => t.order_id === started)?.status).toBe('IN_PROGRESS');
  });

  it('a lead issues and revokes a token while it runs; the revoked token is refused at the next request', async () => {
    const issue = await gatewayCli(['tokens', 'issue', '--agent', BILAL, '--by', 'lena.lead@example.com']);
    expect(issue.code, issue.stderr).toBe(0);
    secondToken = issue.stdout.trim();
    const id = /tok_[0-9a-f]+/.exec(issue.stderr)?.[0];
    expect(id, issue.stderr).toBeDefined();
    expect((await fieldAs(secondToken, ['whoami', '--json'])).code).toBe(0);
    const revoke = await gatewayCli(['tokens', 'revoke', id!]);
    expect(revoke.code, revoke.stderr).toBe(0);
    const refused = await fieldAs(secondToken, ['my-tickets']);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/refused ECM_GATEWAY_TOKEN/);
    // The first token of the same agent still works.
    expect((await asAgent(BILAL, ['whoami', '--json'])).code).toBe(0);
  });

  it('two gateways on one home take turns: each sees what the other wrote', async () => {
    const second = await startHttpGatewayProcess(['--as-of', NOW], gatewayEnv(home, HAND_OVER_SOON));
    try {
      const via = (g: { url: string }, args: readonly string[]) =>
        runNode(FIELD_BIN, [...args, '--as-of', NOW], cliEnv(laptop, { ECM_GATEWAY_URL: g.url, ECM_GATEWAY_TOKEN: issued.get(BILAL)! }));
      const open = (await queueOf(BILAL)).tickets.filter((t) => t.status === 'OPEN' && !t.completed);
      expect(open.length).toBeGreaterThan(1);
      const [x, y] = open as [(typeof open)[number], (typeof open)[number]];
      const viaSecond = await via(second, ['start', x.order_id, '--json']);
      expect(viaSecond.code, viaSecond.stderr).toBe(0);
      expect((await queueOf(BILAL)).tickets.find((t) => t.order_id === x.order_id)?.status).toBe('IN_PROGRESS');
      const viaFirst = await via(gw!, ['start', y.order_id, '--json']);
      expect(viaFirst.code, viaFirst.stderr).toBe(0);
      const seenBySecond = await via(second, ['my-tickets', '--json']);
      expect(seenBySecond.code, seenBySecond.stderr).toBe(0);
      const queue = queueJson.parse(JSON.parse(seenBySecond.stdout));
      expect(queue.tickets.filter((t) => [x.order_id, y.order_id].includes(t.order_id)).map((t) => t.status)).toEqual([
        'IN_PROGRESS',
        'IN_PROGRESS',
      ]);
    } finally {
      await second.stop();
    }
  });

  it('nothing written beside it is lost when the gateway stops', async () => {
    await gw?.stop();
    gw = null;
    const after = await runNode(FIELD_BIN, ['my-tickets', '--agent', BILAL, '--as-of', NOW, '--json'], cliEnv(home));
    expect(after.code, after.stderr).toBe(0);
    expect(queueJson.parse(JSON.parse(after.stdout)).tickets.find((t) => t.order_id === started)?.status).toBe('IN_PROGRESS');
    const list = await gatewayCli(['tokens', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toContain(secondToken);
  });

  it('a gateway killed while it holds the stores leaves them usable: the next command takes the lock over', async () => {
    const killed = await startHttpGatewayProcess(['--as-of', NOW], gatewayEnv(home));
    const exited = new Promise((r) => killed.child.once('exit', r));
    try {
      const viaGateway = await runNode(
        FIELD_BIN,
        ['my-tickets', '--as-of', NOW],
        cliEnv(laptop, { ECM_GATEWAY_URL: killed.url, ECM_GATEWAY_TOKEN: issued.get(BILAL)! }),
      );
      expect(viaGateway.code, viaGateway.stderr).toBe(0);
      expect(lockHolder()).toMatch(/^ecm-gateway --http /); // its stores are open: it kept them after the call
    } finally {
      killed.child.kill('SIGKILL');
      await exited;
    }
    const after = await runNode(FIELD_BIN, ['my-tickets', '--agent', BILAL, '--as-of', NOW, '--json'], cliEnv(home));
    expect(after.code, after.stderr).toBe(0);
    expect(queueJson.parse(JSON.parse(after.stdout)).tickets.find((t) => t.order_id === started)?.status).toBe('IN_PROGRESS');
  });

  it('a gateway killed at random instants during a write leaves the stores usable and each ticket whole', async () => {
    const embeddedQueue = async () => {
      const r = await runNode(FIELD_BIN, ['my-tickets', '--agent', BILAL, '--as-of', NOW, '--json'], cliEnv(home));
      expect(r.code, r.stderr).toBe(0);
      return queueJson.parse(JSON.parse(r.stdout));
    };
    const victims = (await embeddedQueue()).tickets.filter((t) => t.status === 'OPEN' && !t.completed).slice(0, 3);
    expect(victims.length).toBeGreaterThan(0);
    for (const ticket of victims) {
      const g = await startHttpGatewayProcess(['--as-of', NOW], gatewayEnv(home));
      const exited = new Promise((r) => g.child.once('exit', r));
      const start = runNode(
        FIELD_BIN,
        ['start', ticket.order_id, '--as-of', NOW],
        cliEnv(laptop, { ECM_GATEWAY_URL: g.url, ECM_GATEWAY_TOKEN: issued.get(BILAL)! }),
      );
      // Once the gateway holds the stores (its first check of the token), at a random instant of the call.
      await until(() => lockHolder()?.startsWith('ecm-gateway --http ') ?? false);
      const after = randomInt(0, 400);
      await new Promise((r) => setTimeout(r, after));
      g.child.kill('SIGKILL');
      await exited;
      await start;
      const status = (await embeddedQueue()).tickets.find((t) => t.order_id === ticket.order_id)?.status;
      expect(['OPEN', 'IN_PROGRESS'], `${ticket.order_id} after a kill ${after} ms into the call`).toContain(status);
    }
  });
});

describe('after the gateway stops', () => {
  it('the state store holds token hashes only, and the reveals the gateway allowed', async () => {
    const state = await openStateDb({ env: { ECM_HOME: home } });
    try {
      const rows = await state.query('SELECT * FROM gateway_tokens');
      // Asha's and Bilal's, and Bilal's second one, revoked.
      expect(rows.length).toBe(3);
      const stored = JSON.stringify(rows);
      for (const token of issued.values()) {
        expect(stored).not.toContain(token);
        expect(stored).not.toContain(token.slice(5));
      }
      const reveals = await state.query('SELECT agent_email FROM pii_reveals');
      expect(reveals.length).toBeGreaterThan(0);
      expect(reveals.every((r) => r.agent_email === ASHA)).toBe(true);
    } finally {
      await state.close();
    }
    const list = await gatewayCli(['tokens', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(ASHA);
    for (const token of issued.values()) expect(list.stdout).not.toContain(token);
    const revoked = await gatewayCli(['tokens', 'revoke', BILAL]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await gatewayCli(['tokens', 'revoke', BILAL])).code).toBe(1);
  });
});
