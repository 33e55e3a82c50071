import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquirePgLock } from '@ecm/core/stores';
import { okAnswer, startFakeSlack } from '../../../core/src/slack/__fixtures__/fake-slack-api.js';
import { seededSchemaUrl, stateWithAgentPerTeam, withSchema, ownDatabaseUrl } from '../__fixtures__/pg-schema-url.js';

const SERVER = process.env.ECM_TEST_PG_URL;
/** This file's own database on the test server (set in beforeAll). */
let BASE: string | undefined;
const CLI = fileURLToPath(new URL('../../bin/ecm-manager.js', import.meta.url));
const AS_OF = '2026-02-17T01:30:00Z';

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe.skipIf(!SERVER)('one run at a time on real PostgreSQL', () => {
  const schema = `ecm_race_${process.pid}`;
  let admin: pg.Client;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    BASE = await ownDatabaseUrl(SERVER!, 'run_lock');
    admin = new pg.Client({ connectionString: BASE });
    await admin.connect();
    const url = await seededSchemaUrl(admin, BASE!, schema, { seed: 9, orders: 20_000, asOf: new Date(AS_OF) });
    home = mkdtempSync(path.join(os.tmpdir(), 'ecm-race-'));
    env = { PATH: process.env.PATH, HOME: home, ECM_HOME: home, ECM_WAREHOUSE_URL: url, ECM_STATE_URL: url };
    const state = new pg.Client({ connectionString: url });
    await state.connect();
    await stateWithAgentPerTeam(state);
    await state.end();
  }, 180_000);

  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_fresh CASCADE`);
    await admin.end();
    rmSync(home, { recursive: true, force: true });
  });

  it('a run started while another holds the lock exits 5 and names the holder', async () => {
    const lock = await acquirePgLock(withSchema(BASE!, schema), 'ecm-manager daily on other-host pid 42 since 07:00');
    try {
      const second = await runCli(['triage', '--as-of', AS_OF], env);
      expect(second.code).toBe(5);
      expect(second.stderr).toContain('ecm-manager daily on other-host pid 42');
    } finally {
      await lock.release();
    }
  });

  it('two processes racing: exactly one runs the slot, no ticket or post is doubled', async () => {
    const [a, b] = await Promise.all([runCli(['daily', '--as-of', AS_OF], env), runCli(['daily', '--as-of', AS_OF], env)]);
    const codes = [a.code, b.code].sort();
    // Either the loser found the lock held (5) or, arriving after the winner finished, found the slot done (0, skipped).
    expect(codes[0]).toBe(0);
    expect([0, 5]).toContain(codes[1]);
    const runs = await admin.query(`SELECT phase, status FROM ${schema}.runs ORDER BY phase`);
    expect(runs.rows).toEqual([
      { phase: 'backlog', status: 'succeeded' },
      { phase: 'patterns', status: 'succeeded' },
      { phase: 'triage', status: 'succeeded' },
    ]);
    const posts = await admin.query(`SELECT SUM(1 + replies_posted)::int AS n FROM ${schema}.run_posts`);
    expect(readdirSync(path.join(home, 'outbox'))).toHaveLength(posts.rows[0].n);
    const dup = await admin.query(`SELECT order_id FROM ${schema}.tickets GROUP BY order_id HAVING COUNT(*) > 1`);
    expect(dup.rows).toEqual([]);
  });

  it('a run whose lock connection is killed stops writing and exits 5; the next run finishes the slot once', async () => {
    const slack = await startFakeSlack();
    const slackEnv = { ...env, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL_ID: 'C0LOCK', SLACK_API_URL: slack.url };
    let terminated: Promise<number> | null = null;
    let postsAfter = 0;
    let done = false;
    slack.respond((call) => {
      if (call.method !== 'chat.postMessage') return undefined;
      if (terminated && done) postsAfter++;
      if (terminated) return undefined;
      // The first post: the lock's connection dies while its holder lives on.
      terminated = admin
        .query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ecm-run-lock' AND datname = current_database()`,
        )
        .then((r) => {
          done = true;
          return r.rowCount ?? 0;
        });
      return { ...okAnswer(call), delayMs: 1_500 };
    });
    try {
      const asOf = '2026-02-18T01:30:00Z';
      const lost = await runCli(['daily', '--as-of', asOf], slackEnv);
      expect(await terminated).toBe(1);
      expect(lost.code, lost.stderr).toBe(5);
      expect(lost.stderr).toContain('lost its lock');
      expect(postsAfter).toBe(0);
      const posted = slack.posted().length;
      expect(posted).toBe(1);

      slack.respond(() => undefined);
      const next = await runCli(['daily', '--as-of', asOf], slackEnv);
      expect(next.code, next.stderr).toBe(0);
      const keys = slack.messages().map((m) => JSON.stringify(m.metadata?.event_payload));
      expect(new Set(keys).size).toBe(keys.length);
      const expected = await admin.query(
        `SELECT SUM(1 + replies_posted)::int AS n FROM ${schema}.run_posts WHERE run_key LIKE '%2026-02-18%'`,
      );
      expect(keys).toHaveLength(expected.rows[0].n);
    } finally {
      await slack.close();
    }
  });

  it('a state store failure while posting is reported as the state store failing, and the next run adopts the post', async () => {
    const slack = await startFakeSlack();
    const slackEnv = { ...env, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL_ID: 'C0STATE', SLACK_API_URL: slack.url };
    let broken: Promise<unknown> | null = null;
    slack.respond((call) => {
      if (call.method !== 'chat.postMessage' || broken) return undefined;
      // Posted in Slack, but the table that records it is gone before the answer arrives.
      broken = admin.query(`ALTER TABLE ${schema}.run_posts RENAME TO run_posts_gone`);
      return { ...okAnswer(call), delayMs: 1_000 };
    });
    try {
      const asOf = '2026-02-19T01:30:00Z';
      const failed = await runCli(['backlog', '--as-of', asOf], slackEnv);
      await broken;
      expect(failed.code, failed.stderr).toBe(1);
      expect(failed.stderr).toContain('the state store failed while recording the backlog posts');
      expect(failed.stderr).not.toContain('posting to Slack failed');
      expect(slack.posted()).toHaveLength(1);

      await admin.query(`ALTER TABLE ${schema}.run_posts_gone RENAME TO run_posts`);
      slack.respond(() => undefined);
      const next = await runCli(['backlog', '--as-of', asOf], slackEnv);
      expect(next.code, next.stderr).toBe(0);
      const keys = slack.messages().map((m) => JSON.stringify(m.metadata?.event_payload));
      expect(new Set(keys).size).toBe(keys.length);
      const parents = slack.messages().filter((m) => !m.thread_ts);
      expect(parents).toHaveLength(1); // the first attempt's post was adopted, not sent again
    } finally {
      await admin.query(`ALTER TABLE IF EXISTS ${schema}.run_posts_gone RENAME TO run_posts`).catch(() => undefined);
      await slack.close();
    }
  });

  it('five first runs at once on an empty state database: schema created once, none fails', async () => {
    const fresh = `${schema}_fresh`;
    await admin.query(`DROP SCHEMA IF EXISTS ${fresh} CASCADE; CREATE SCHEMA ${fresh}`);
    const raceEnv = { ...env, ECM_STATE_URL: withSchema(BASE!, fresh), ECM_HOME: mkdtempSync(path.join(os.tmpdir(), 'ecm-race-fresh-')) };
    try {
      const results = await Promise.all(Array.from({ length: 5 }, () => runCli(['backlog', '--as-of', AS_OF], raceEnv)));
      for (const r of results) expect([0, 5], r.stderr).toContain(r.code);
      expect(results.filter((r) => r.code === 0).length).toBeGreaterThan(0);
      const runs = await admin.query(`SELECT status FROM ${fresh}.runs`);
      expect(runs.rows).toEqual([{ status: 'succeeded' }]);
    } finally {
      rmSync(raceEnv.ECM_HOME, { recursive: true, force: true });
    }
  });
});
