import { defaultSharedDir } from '@ecm/core/domain';
import { openWarehouse } from '@ecm/core/warehouse';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NOW } from './__fixtures__/run-cli.js';
import { ASHA, BILAL, LENA, seededDemo } from './__fixtures__/seeded-demo.js';

// Clear screen, set the window title, open a hidden hyperlink.
const HOSTILE = 'Ava\u001b[2J Example\u001b]0;title\u0007\u001b]8;;http://x\u0007 link\u001b]8;;\u0007';

const revealJson = z.object({
  order: z.object({ customer: z.object({ full_name: z.string().nullable(), masked: z.boolean() }), reveal_refused: z.string().nullable() }),
});
const auditJson = z.object({
  reveals: z.array(
    z.object({
      revealed_at: z.string(),
      agent_email: z.string(),
      order_id: z.string(),
      program: z.string(),
      basis: z.enum(['assignee', 'supervisor']),
    }),
  ),
});

const demo = seededDemo();
const field = demo.asAgent;
const manager = demo.manager;

/** Orders of an agent's open tickets, read after the CLIs have exited (the embedded store admits one process). */
async function openOrdersOf(agent: string): Promise<string[]> {
  const rows = await demo.withState((state) =>
    state.query(`SELECT order_id FROM tickets WHERE agent_email = $1 AND status IN ('OPEN', 'IN_PROGRESS') ORDER BY order_id`, [agent]),
  );
  return rows.map((r) => String(r.order_id));
}

describe('revealing personal data: only the assignee of an open ticket or a supervisor, and every reveal recorded', () => {
  let ashas: string[] = [];
  beforeAll(async () => {
    ashas = await openOrdersOf(ASHA);
    expect(ashas.length).toBeGreaterThanOrEqual(3);
  });

  it('the assignee of an open ticket may reveal', async () => {
    const r = await field(ASHA, ['order', ashas[0]!, '--json', '--reveal-pii']);
    expect(r.code, r.stderr).toBe(0);
    const o = revealJson.parse(JSON.parse(r.stdout));
    expect(o.order.customer.masked).toBe(false);
    expect(o.order.reveal_refused).toBeNull();
    expect(o.order.customer.full_name).not.toMatch(/\*\*\*/);
  }, 120_000);

  it('another agent may not: exit 6 with the reason, nothing shown', async () => {
    const r = await field(BILAL, ['order', ashas[0]!, '--json', '--reveal-pii']);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/not allowed to reveal personal data: .*assigned to someone else/);
  }, 120_000);

  it('a supervisor may', async () => {
    const r = await field(LENA, ['order', ashas[1]!, '--json', '--reveal-pii']);
    expect(r.code, r.stderr).toBe(0);
    expect(revealJson.parse(JSON.parse(r.stdout)).order.customer.masked).toBe(false);
  }, 120_000);

  it("a closed ticket's assignee may not", async () => {
    const resolved = await field(ASHA, [
      'resolve',
      ashas[2]!,
      '--notes',
      'refund reference R-1 initiated',
      '--diagnosis-match',
      'CORRECT',
      '--action-followed',
      'YES',
    ]);
    expect(resolved.code, resolved.stderr).toBe(0);
    const r = await field(ASHA, ['order', ashas[2]!, '--reveal-pii']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/is RESOLVED; personal data is revealed only while it is open/);
  }, 180_000);

  it('ecm-manager audit lists each allowed reveal: who, order, when, program; refusals are not reveals', async () => {
    const all = await manager(['audit', '--json']);
    expect(all.code, all.stderr).toBe(0);
    const { reveals } = auditJson.parse(JSON.parse(all.stdout));
    expect(reveals.map((r) => [r.agent_email, r.order_id, r.program, r.basis])).toEqual([
      [ASHA, ashas[0], 'ecm-field', 'assignee'],
      [LENA, ashas[1], 'ecm-field', 'supervisor'],
    ]);
    expect(reveals.length).toBeGreaterThan(0);
    expect(reveals.every((r) => r.revealed_at === new Date(NOW).toISOString())).toBe(true);

    const lena = auditJson.parse(JSON.parse((await manager(['audit', '--json', '--agent', LENA])).stdout));
    expect(lena.reveals.map((r) => r.agent_email)).toEqual([LENA]);
    const later = auditJson.parse(JSON.parse((await manager(['audit', '--json', '--since', '2026-02-18T00:00:00Z'])).stdout));
    expect(later.reveals).toEqual([]);
    const table = await manager(['audit']);
    expect(table.stdout).toMatch(/2 reveals/);
    expect((await manager(['audit', '--since', 'yesterday'])).code).toBe(3);
  }, 180_000);
});

describe('terminal escapes in data are stripped before printing', () => {
  let order = '';
  beforeAll(async () => {
    [order] = (await openOrdersOf(ASHA)).slice(-1);
    const warehouse = await openWarehouse({ env: { ECM_HOME: demo.home }, sharedDir: defaultSharedDir() });
    try {
      await warehouse.query('UPDATE customers SET full_name = $1 WHERE owner_id = (SELECT owner_id FROM orders_goms WHERE order_id = $2)', [
        HOSTILE,
        order,
      ]);
    } finally {
      await warehouse.close();
    }
    await demo.withState(async (state) => {
      await state.query('UPDATE agents SET name = $1 WHERE email = $2', [HOSTILE, ASHA]);
      await state.query('UPDATE tickets SET notes = $1 WHERE order_id = $2', [`Call the partner ${HOSTILE}`, order]);
    });
  }, 120_000);

  const clean = (out: string) => {
    expect(out).not.toMatch(/[\u001b\u0007\u009b\u009d]/);
    expect(out).toContain('Ava Example link');
  };

  it('ecm-field order (a warehouse value, revealed)', async () => {
    const r = await field(ASHA, ['order', order, '--reveal-pii']);
    expect(r.code, r.stderr).toBe(0);
    clean(r.stdout);
  }, 120_000);

  it('ecm-field my-tickets (the agent name, a ticket note)', async () => {
    const r = await field(ASHA, ['my-tickets']);
    expect(r.code, r.stderr).toBe(0);
    clean(r.stdout);
    expect(r.stdout).toContain('Call the partner Ava Example link');
  }, 120_000);

  it('ecm-manager agents list (the agent name)', async () => {
    const r = await manager(['agents', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/[\u001b\u0007]/);
    expect(r.stdout).toContain('Ava Example link');
  }, 120_000);
});
