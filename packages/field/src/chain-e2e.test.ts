import { createHmac } from 'node:crypto';
import { rmSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openStateDb } from '@ecm/core/stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  reply,
  startFakeMessagesApi,
  text,
  type FakeMessagesApi,
  type RecordedRequest,
} from '../../agent/src/__fixtures__/fake-messages-api.js';
import { cliEnv, DEMO_AS_OF, FIELD_BIN, MANAGER_BIN, NOW, runNode } from './__fixtures__/run-cli.js';

const LENA = 'lena.lead@example.com'; // the demo roster's supervisor
const SECRET = 'demo-secret-not-real';

const promptOf = (req: RecordedRequest) => {
  const content = req.body.messages[0]!.content;
  return typeof content === 'string' ? content : (content as { text?: string }[]).map((b) => b.text ?? '').join('\n');
};

/** The stand-in model: a confident diagnosis, a catalogue action over the cluster's orders, plain insights. */
function standIn(req: RecordedRequest) {
  const prompt = promptOf(req);
  if (prompt.startsWith('Diagnose this cluster')) {
    return reply([
      text(
        JSON.stringify({
          root_cause: 'Lulu never received the BRN for these orders.',
          evidence: ['the orders share one signature'],
          recommended_fix: 'Re-push the BRN to Lulu.',
          confidence: 'high',
        }),
      ),
    ]);
  }
  if (prompt.startsWith('Propose one fix for this cluster')) {
    const facts = JSON.parse(prompt.split('Facts (JSON):\n')[1]!) as { order_ids: string[] };
    return reply([
      text(JSON.stringify({ kind: 'repush_brn_to_lulu', order_ids: facts.order_ids, evidence: ['the orders share one signature'] })),
    ]);
  }
  return reply([text('• Nothing unusual to add.')]);
}

describe('the chain end to end through the built CLIs', () => {
  let home = '';
  let api: FakeMessagesApi;
  let receiver: Server;
  const calls: { verified: boolean; key: string | undefined }[] = [];
  let executorUrl = '';

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'ecm-chain-'));
    api = await startFakeMessagesApi(Array.from({ length: 200 }, () => standIn));
    receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const ts = String(req.headers['x-ecm-timestamp']);
        const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${raw}`).digest('hex')}`;
        calls.push({ verified: req.headers['x-ecm-signature'] === expected, key: req.headers['idempotency-key'] as string | undefined });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    executorUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ecm-fixes`;
  }, 600_000);
  afterAll(async () => {
    await api?.close();
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('critical cluster → proposal → approval (checklist, one signed call) → verification line; a correction moves satisfaction', async () => {
    const model = { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: api.url };
    const seed = await runNode(
      MANAGER_BIN,
      ['demo', 'seed', '--orders', '20000', '--stuck-scale', '6', '--as-of', DEMO_AS_OF],
      cliEnv(home),
    );
    expect(seed.code, seed.stderr).toBe(0);
    const daily = await runNode(MANAGER_BIN, ['daily', '--as-of', DEMO_AS_OF], cliEnv(home, model));
    expect(daily.code, daily.stderr).toBe(0);
    expect(daily.stdout + daily.stderr).toMatch(/Proposed fix:\* repush_brn_to_lulu for \d+ orders/);

    const field = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      runNode(FIELD_BIN, [...args, '--agent', LENA, '--as-of', NOW], cliEnv(home, extra));
    const listed = z
      .object({ proposals: z.array(z.object({ id: z.string(), order_id: z.string(), status: z.string(), action: z.string() })) })
      .parse(JSON.parse((await field(['proposals', '--json'])).stdout));
    expect(listed.proposals.length).toBeGreaterThan(0);
    const [first, second] = listed.proposals;

    // Re-running the day's patterns creates no second proposal for the same clusters.
    const rerun = await runNode(MANAGER_BIN, ['patterns', '--as-of', DEMO_AS_OF, '--force'], cliEnv(home, model));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse((await field(['proposals', '--json'])).stdout).proposals).toHaveLength(listed.proposals.length);

    const executor = { ECM_FIX_EXECUTOR_URL: executorUrl, ECM_FIX_EXECUTOR_SECRET: SECRET };
    const approved = await field(['approve', first!.id.slice(0, 8)], executor);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/Checklist steps on the tickets of \d+ order\(s\)/);
    expect(approved.stdout).toContain('Fix executor called once: delivered (HTTP 202)');
    expect(calls).toEqual([{ verified: true, key: first!.id }]);
    const again = await field(['approve', first!.id.slice(0, 8)], executor);
    expect(again.code).toBe(1);
    expect(calls).toHaveLength(1);

    const order = z
      .object({ checklist: z.array(z.object({ proposal_id: z.string(), step_text: z.string() })) })
      .parse(JSON.parse((await field(['order', first!.order_id, '--json'])).stdout));
    expect(order.checklist.map((s) => s.proposal_id)).toEqual([first!.id, first!.id]);

    if (second) {
      const rejected = await field(['reject', second.id.slice(0, 8), '--reason', 'the BRN was already pushed']);
      expect(rejected.code, rejected.stderr).toBe(0);
      const all = z
        .object({
          proposals: z.array(
            z.object({ id: z.string(), status: z.string(), decision_reason: z.string().nullable(), decided_by: z.string().nullable() }),
          ),
        })
        .parse(JSON.parse((await field(['proposals', '--all', '--json'])).stdout));
      expect(all.proposals.find((p) => p.id === second.id)).toMatchObject({
        status: 'rejected',
        decision_reason: 'the BRN was already pushed',
        decided_by: LENA,
      });
    }

    // The next day's patterns report says what the approved fix did, from the triage result.
    const later = new Date(new Date(NOW).getTime() + 26 * 3_600_000).toISOString();
    const patterns = await runNode(MANAGER_BIN, ['patterns', '--as-of', later, '--json'], cliEnv(home));
    expect(patterns.code, patterns.stderr).toBe(0);
    const phase = (
      JSON.parse(patterns.stdout) as {
        phases: {
          facts: { proposal_checks: { proposal_id: string; order_count: number; cleared_count: number; line: string }[] };
          messages: unknown[];
        }[];
      }
    ).phases[0]!;
    const check = phase.facts.proposal_checks.find((c) => c.proposal_id === first!.id)!;
    expect(check.line).toMatch(
      check.cleared_count > 0
        ? new RegExp(`^PT-\\w+: ${check.cleared_count} of ${check.order_count} orders cleared within \\d+ h`)
        : /^PT-\w+: no effect after 26 h /,
    );
    expect(JSON.stringify(phase.messages)).toContain(check.line);

    // A correction of the diagnosis changes the satisfaction figure in stats.
    const state = await openStateDb({ env: { ECM_HOME: home } });
    const [diagnosis] = await state.query(`SELECT id FROM skill_executions WHERE skill = 'ecm-diagnose' ORDER BY created_at LIMIT 1`);
    await state.close();
    const statsOf = async () =>
      z
        .object({ corrections: z.object({ skills: z.array(z.object({ skill: z.string(), satisfaction: z.number() })) }) })
        .parse(JSON.parse((await runNode(MANAGER_BIN, ['stats', '--since', '30d', '--json'], cliEnv(home))).stdout))
        .corrections.skills.find((s) => s.skill === 'ecm-diagnose')!.satisfaction;
    expect(await statsOf()).toBe(1);
    const corrected = await field(['correct', String(diagnosis!.id), '--verdict', 'wrong', '--note', 'Lulu was down, the BRN was fine']);
    expect(corrected.code, corrected.stderr).toBe(0);
    expect(await statsOf()).toBeLessThan(1);
    const statsText = await runNode(MANAGER_BIN, ['stats', '--since', '30d'], cliEnv(home));
    expect(statsText.stdout).toContain('1× ecm-diagnose (wrong): Lulu was down, the BRN was fine');
  }, 900_000);
});
