import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposition, gaugesFor, pushRunGauges, type RunOutcome } from './run-gauges.js';

const at = new Date('2026-02-17T01:30:00Z');
const seconds = at.getTime() / 1000;
const backlog: RunOutcome = {
  phase: 'backlog',
  status: 'succeeded',
  ms: 1500,
  facts: { actionable: 412, value_at_risk_aed: 1234567.5, high_value: 9, top_actions: [] },
  messages: [{ thread: [{}, {}] }],
};
const triage: RunOutcome = {
  phase: 'triage',
  status: 'succeeded',
  ms: 800,
  facts: { assigned: 37, assigned_value_aed: 90000, overflow: { P1: 2, total: 14 }, not_assigned_by_gate: 3 },
  messages: [{ thread: [] }],
};
const value = (outcome: RunOutcome, name: string, labels?: Record<string, string>) =>
  gaugesFor(outcome, at).find((g) => g.name === name && JSON.stringify(g.labels ?? {}) === JSON.stringify(labels ?? {}))?.value;

describe('gaugesFor', () => {
  it('a success: last success and run time, duration, messages posted, and the report figures', () => {
    expect(value(backlog, 'ecm_phase_last_success_timestamp_seconds')).toBe(seconds);
    expect(value(backlog, 'ecm_phase_last_run_timestamp_seconds')).toBe(seconds);
    expect(value(backlog, 'ecm_phase_duration_seconds')).toBe(1.5);
    expect(value(backlog, 'ecm_phase_messages_posted')).toBe(3);
    const domain = { domain: 'ecm' };
    expect(value(backlog, 'ecm_backlog_actionable_orders', domain)).toBe(412);
    expect(value(backlog, 'ecm_backlog_value_at_risk_aed', domain)).toBe(1234567.5);
    expect(value(backlog, 'ecm_backlog_high_value_orders', domain)).toBe(9);
    expect(value(triage, 'ecm_triage_tickets_assigned', domain)).toBe(37);
    // Capacity overflow plus the orders the sanity gate kept back.
    expect(value(triage, 'ecm_triage_unassigned_orders', domain)).toBe(17);
    // Each phase pushes its own figures only.
    expect(gaugesFor(triage, at).some((g) => g.name.startsWith('ecm_backlog_'))).toBe(false);
    expect(gaugesFor(backlog, at).some((g) => g.name.startsWith('ecm_triage_'))).toBe(false);
    expect(value(backlog, 'ecm_phase_last_run_status', { status: 'succeeded' })).toBe(1);
    expect(value(backlog, 'ecm_phase_last_run_status', { status: 'failed' })).toBe(0);
  });

  it('the SLA watch: open tickets, tickets past their SLA, alerts raised', () => {
    const sla: RunOutcome = {
      phase: 'sla',
      status: 'succeeded',
      ms: 400,
      facts: { open_tickets: 120, breached: 7, raised: 3, alerts: [] },
      messages: [],
    };
    const domain = { domain: 'ecm' };
    expect(value(sla, 'ecm_sla_open_tickets', domain)).toBe(120);
    expect(value(sla, 'ecm_sla_breached_tickets', domain)).toBe(7);
    expect(value(sla, 'ecm_sla_alerts_raised', domain)).toBe(3);
    expect(gaugesFor(sla, at).some((g) => g.name.startsWith('ecm_backlog_'))).toBe(false);
  });

  it('a failure: status and run time only, so the last success and figures stay as they were', () => {
    const failed = gaugesFor({ phase: 'triage', status: 'failed', ms: 0, facts: {}, messages: [{ thread: [] }] }, at);
    expect(failed.map((g) => g.name).sort()).toEqual([
      'ecm_phase_last_run_status',
      'ecm_phase_last_run_status',
      'ecm_phase_last_run_status',
      'ecm_phase_last_run_status',
      'ecm_phase_last_run_timestamp_seconds',
    ]);
    expect(failed.find((g) => g.labels?.status === 'failed')!.value).toBe(1);
  });

  it('a dry run pushes nothing; a fact that is not a number is left out', () => {
    expect(gaugesFor({ ...backlog, status: 'dry_run' }, at)).toEqual([]);
    expect(value({ ...backlog, facts: { actionable: 'many' } }, 'ecm_backlog_actionable_orders', { domain: 'ecm' })).toBeUndefined();
    expect(value({ ...triage, facts: { assigned: 1 } }, 'ecm_triage_unassigned_orders', { domain: 'ecm' })).toBeUndefined();
  });
});

describe('exposition', () => {
  it('is Prometheus text format with one HELP/TYPE per name and escaped labels', () => {
    const text = exposition([
      { name: 'a', help: 'h', value: 1, labels: { s: 'x"y' } },
      { name: 'a', help: 'h', value: 0.25, labels: { s: 'z' } },
    ]);
    expect(text).toBe('# HELP a h\n# TYPE a gauge\na{s="x\\"y"} 1\na{s="z"} 0.25\n');
  });
});

describe('pushRunGauges', () => {
  const received: { method: string; url: string; type: string; body: string }[] = [];
  let server: Server;
  let url: string;
  let status = 200;
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, type: String(req.headers['content-type']), body });
        res.writeHead(status).end(status === 200 ? '' : 'pushed metrics are invalid');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs each phase to its own group: job ecm-manager, phase', async () => {
    received.length = 0;
    const result = await pushRunGauges([backlog, triage, { ...triage, phase: 'patterns', status: 'dry_run' }], {
      env: { PUSHGATEWAY_URL: `${url}/` },
      at,
    });
    expect(result).toEqual({ ok: true, pushed: 2 });
    expect(received.map((r) => [r.method, r.url])).toEqual([
      ['POST', '/metrics/job/ecm-manager/phase/backlog'],
      ['POST', '/metrics/job/ecm-manager/phase/triage'],
    ]);
    expect(received[0]!.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(received[0]!.body).toContain(`ecm_phase_last_success_timestamp_seconds ${seconds}\n`);
    expect(received[0]!.body).toContain('ecm_backlog_actionable_orders{domain="ecm"} 412\n');
  });

  it('skips without PUSHGATEWAY_URL, and reports (never throws) a refused or failed push', async () => {
    expect(await pushRunGauges([backlog], { env: {} })).toEqual({ ok: 'skipped', reason: 'PUSHGATEWAY_URL not set' });
    expect(await pushRunGauges([backlog], { env: { PUSHGATEWAY_URL: 'pushgateway:9091' } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not an http\(s\) URL/),
    });
    status = 400;
    expect(await pushRunGauges([backlog], { env: { PUSHGATEWAY_URL: url } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/HTTP 400 pushed metrics are invalid/),
    });
    status = 200;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await pushRunGauges([backlog], { env: { PUSHGATEWAY_URL: `http://127.0.0.1:${port}` } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/failed/),
    });
  });
});
