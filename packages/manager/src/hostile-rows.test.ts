import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMinorUnits, toMinorUnits } from '@ecm/core/domain';
import { openPglite, PgWarehouse, PgliteWarehouse, type Warehouse } from '@ecm/core/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../bin/ecm-manager.js', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));
const AS_OF = '2026-02-17T01:30:00Z';
/** 30 h before AS_OF: every hostile order is a candidate, past the 24 h mark. */
const CREATED = '2026-02-15 19:30:00';

const LONG_ID = `HOSTILE-${'X'.repeat(100)}`;
const EMOJI_ID = 'HOSTILE-\u{1F600}-EMOJI';
const QUARANTINED: Record<string, RegExp> = {
  'HOSTILE-NULL-AMOUNT': /^send_amount: amount is missing/,
  'HOSTILE-NAN-AMOUNT': /^send_amount: amount is not a decimal number: "NaN"/,
  'HOSTILE-NULL-CUSTOMER': /^owner_id: customer \(owner_id\) is missing/,
  'HOSTILE-\\u{1f600}-EMOJI': /^order_id: expected an order id/,
  [`${LONG_ID.slice(0, 80)}… (108 characters)`]: /^order_id: expected an order id/,
};
const HUGE = '9999999999999999.99';

/**
 * What a production warehouse can hold and the demo's DDL forbids: Redshift does not enforce primary
 * keys or NOT NULL on loaded data, and ids are wider than ours. So the keys come off first.
 */
async function insertHostileRows(w: Warehouse): Promise<void> {
  await w.query('ALTER TABLE lulu_data DROP CONSTRAINT IF EXISTS lulu_data_pkey');
  await w.query('ALTER TABLE orders_goms ALTER COLUMN order_id TYPE VARCHAR(256)');
  await w.query('ALTER TABLE orders_goms ALTER COLUMN owner_id DROP NOT NULL');
  const order = (id: string, owner: string | null, currency: string, amount: string | null) =>
    w.query(
      `INSERT INTO orders_goms (order_id, owner_id, status, sub_state, meta_postscript_pricing_info_send_currency,
         meta_postscript_pricing_info_send_amount, meta_postscript_pricing_info_receive_amount, meta_postscript_acquirer, created_at, updated_at)
       VALUES ($1, $2, 'PROCESSING_DEAL_IN', 'FULFILLMENT_PENDING', $3, CAST($4 AS NUMERIC(18,2)), CAST($4 AS NUMERIC(18,2)), 'CHECKOUT', CAST($5 AS TIMESTAMP), CAST($5 AS TIMESTAMP))`,
      [id, owner, currency, amount, CREATED],
    );
  const paid = (id: string, n: number) =>
    w.query(
      `INSERT INTO payments_goms (payment_id, reference_id, payment_status, amount, created_at, updated_at) VALUES ($1, $2, 'COMPLETED', 100, CAST($3 AS TIMESTAMP), CAST($3 AS TIMESTAMP))`,
      [`PAY-HOSTILE-${n}`, id, CREATED],
    );
  const lulu = (id: string, subStatus: string) =>
    w.query(
      `INSERT INTO lulu_data (order_id, status, sub_status, lulu_client, created_at, updated_at) VALUES ($1, 'ACTIVE', $2, 'LULU', CAST($3 AS TIMESTAMP), CAST($3 AS TIMESTAMP))`,
      [id, subStatus, CREATED],
    );

  await order('HOSTILE-NULL-AMOUNT', 'CUS-HOSTILE', 'AED', null);
  await order('HOSTILE-NAN-AMOUNT', 'CUS-HOSTILE', 'AED', 'NaN');
  await order('HOSTILE-NULL-CUSTOMER', null, 'AED', '250.00');
  await order(EMOJI_ID, 'CUS-HOSTILE', 'AED', '250.00');
  await order(LONG_ID, 'CUS-HOSTILE', 'AED', '250.00');
  // The biggest numeric(18,2): a compliance hold on a paid GBP order, real work.
  await order('HOSTILE-HUGE', 'CUS-HOSTILE', 'GBP', HUGE);
  await paid('HOSTILE-HUGE', 1);
  await w.query(
    `INSERT INTO fulfillments_goms (order_id, created_at, updated_at) VALUES ('HOSTILE-HUGE', CAST($1 AS TIMESTAMP), CAST($1 AS TIMESTAMP))`,
    [CREATED],
  );
  // Identical twins whose duplicate Lulu rows (equal timestamps) were inserted in opposite orders.
  await order('HOSTILE-TWIN-A', 'CUS-HOSTILE', 'AED', '900.00');
  await order('HOSTILE-TWIN-B', 'CUS-HOSTILE', 'AED', '900.00');
  await paid('HOSTILE-TWIN-A', 2);
  await paid('HOSTILE-TWIN-B', 3);
  await lulu('HOSTILE-TWIN-A', 'PAYMENT_PENDING');
  await lulu('HOSTILE-TWIN-A', 'TXN_TRANSMITTED');
  await lulu('HOSTILE-TWIN-B', 'TXN_TRANSMITTED');
  await lulu('HOSTILE-TWIN-B', 'PAYMENT_PENDING');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliIn(home: string, extra: Record<string, string>) {
  return (args: string[]): Run => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, ECM_HOME: home, ...extra },
      encoding: 'utf8',
      timeout: 300_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}

interface StuckJson {
  orders: { order_id: string; stuck_reason: string; send_amount: string; amount_aed: string }[];
  quarantined: { order_id: string; reason: string }[];
  summary: { actionable: number; quarantined: number; value_at_risk_aed_decimal: string };
}
interface DailyJson {
  phases: {
    phase: string;
    status: string;
    messages: { text: string; thread: { text: string; blocks: unknown[] }[] }[];
    facts: Record<string, unknown>;
  }[];
}

/** The whole scenario against one warehouse: the day completes, the bad rows are named, the rest goes on. */
function hostileDay(label: string, setUp: () => Promise<{ home: string; cli: (args: string[]) => Run; cleanup: () => Promise<void> }>) {
  describe(`a warehouse with hostile rows (${label})`, () => {
    let env: Awaited<ReturnType<typeof setUp>>;
    let daily: Run;
    let stuck: StuckJson;
    let all: StuckJson;

    beforeAll(async () => {
      env = await setUp();
      expect(env.cli(['agents', 'import', path.join(SHARED, 'demo', 'agents.csv')]).code).toBe(0);
      daily = env.cli(['daily', '--as-of', AS_OF, '--json']);
      const s = env.cli(['stuck', '--as-of', AS_OF, '--json']);
      expect(s.code, s.stderr).toBe(0);
      stuck = JSON.parse(s.stdout) as StuckJson;
      all = JSON.parse(env.cli(['stuck', '--as-of', AS_OF, '--json', '--all']).stdout) as StuckJson;
    }, 600_000);
    afterAll(async () => env?.cleanup());

    it('the daily run completes and assigns the other orders', () => {
      expect(daily.code, daily.stderr).toBe(0);
      const out = JSON.parse(daily.stdout) as DailyJson;
      expect(out.phases.map((p) => [p.phase, p.status])).toEqual([
        ['backlog', 'succeeded'],
        ['triage', 'succeeded'],
        ['patterns', 'succeeded'],
      ]);
      const triage = out.phases.find((p) => p.phase === 'triage')!.facts as { assigned: number; assignments: { order_id: string }[] };
      expect(triage.assigned).toBeGreaterThan(10);
      expect(triage.assignments.map((a) => a.order_id)).toEqual(expect.arrayContaining(['HOSTILE-HUGE']));
    });

    it('lists every bad order with its id and reason in the backlog thread and in stuck --json', () => {
      expect(Object.fromEntries(stuck.quarantined.map((q) => [q.order_id, q.reason]))).toEqual(
        Object.fromEntries(Object.entries(QUARANTINED).map(([id, reason]) => [id, expect.stringMatching(reason)])),
      );
      expect(stuck.summary.quarantined).toBe(5);
      const backlog = (JSON.parse(daily.stdout) as DailyJson).phases.find((p) => p.phase === 'backlog')!;
      const reply = backlog.messages[0]!.thread.find((t) => t.text.startsWith('Quarantined'));
      expect(reply?.text).toBe('Quarantined: 5 orders with unreadable warehouse rows');
      const replyText = JSON.stringify(reply!.blocks);
      for (const id of ['HOSTILE-NULL-AMOUNT', 'HOSTILE-NAN-AMOUNT', 'HOSTILE-NULL-CUSTOMER', 'HOSTILE-\\\\u{1f600}-EMOJI', 'HOSTILE-XXXX'])
        expect(replyText).toContain(id);
      expect(replyText).toContain('amount is missing');
      // No bad id reached a ticket or the list of work.
      const ids = all.orders.map((o) => o.order_id);
      for (const bad of ['HOSTILE-NULL-AMOUNT', 'HOSTILE-NAN-AMOUNT', 'HOSTILE-NULL-CUSTOMER', EMOJI_ID, LONG_ID])
        expect(ids).not.toContain(bad);
      const health = JSON.parse(env.cli(['health', '--json']).stdout) as { quarantined: { count: number } | null };
      expect(health.quarantined?.count).toBe(5);
    });

    it('gives identical facts the identical reason, whatever order their duplicate rows were inserted in', () => {
      const a = all.orders.find((o) => o.order_id === 'HOSTILE-TWIN-A');
      const b = all.orders.find((o) => o.order_id === 'HOSTILE-TWIN-B');
      expect(a?.stuck_reason).toBeDefined();
      expect(b?.stuck_reason).toBe(a?.stuck_reason);
    });

    it('prints the huge amount exactly, and the value at risk as the exact sum', () => {
      const huge = stuck.orders.find((o) => o.order_id === 'HOSTILE-HUGE')!;
      expect(huge).toMatchObject({ send_amount: HUGE, amount_aed: '48999999999999999.95', stuck_reason: 'stuck_due_trm' });
      const exact = stuck.orders.reduce((n, o) => n + toMinorUnits(o.amount_aed), 0n);
      expect(stuck.summary.value_at_risk_aed_decimal).toBe(`${exact / 100n}.${String(exact % 100n).padStart(2, '0')}`);
      const backlog = (JSON.parse(daily.stdout) as DailyJson).phases.find((p) => p.phase === 'backlog')!;
      expect(backlog.messages[0]!.text).toContain(`AED ${formatMinorUnits(exact)} at risk`);
      expect(formatMinorUnits(exact)).toMatch(/^49,000,000,000,/);
    });
  });
}

hostileDay('PGlite', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-hostile-'));
  const cli = cliIn(home, {});
  const seeded = cli(['demo', 'seed', '--orders', '3000', '--seed', '4', '--as-of', AS_OF]);
  expect(seeded.code, seeded.stderr).toBe(0);
  const w = new PgliteWarehouse(await openPglite(path.join(home, 'warehouse', 'pgdata')), 'hostile');
  try {
    await insertHostileRows(w);
  } finally {
    await w.close();
  }
  return { home, cli, cleanup: async () => rmSync(home, { recursive: true, force: true }) };
});

const PG_URL = process.env.ECM_TEST_PG_URL;
describe.skipIf(!PG_URL)('on PostgreSQL', () => {
  hostileDay('PostgreSQL', async () => {
    const schema = `hostile_${process.pid}_${Date.now()}`;
    const admin = new PgWarehouse(PG_URL!);
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = `${PG_URL}${PG_URL!.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
    const home = mkdtempSync(path.join(os.tmpdir(), 'ecm-hostile-pg-'));
    const cli = cliIn(home, { ECM_WAREHOUSE_URL: url });
    const seeded = cli(['demo', 'seed', '--orders', '3000', '--seed', '4', '--as-of', AS_OF, '--warehouse-url', url]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const w = new PgWarehouse(url);
    try {
      await insertHostileRows(w);
    } finally {
      await w.close();
    }
    return {
      home,
      cli,
      cleanup: async () => {
        rmSync(home, { recursive: true, force: true });
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.close();
      },
    };
  });
});
