import { readdirSync } from 'node:fs';
import path from 'node:path';
import { maskSecrets } from '@ecm/core/text';
import { describe, expect, it } from 'vitest';
import { config, gatewayWithoutWarehouse, sharedDir } from '../__fixtures__/test-warehouse.js';
import { RUNBOOK_URI_TEMPLATE, STUCK_REASONS_URI } from './ecm-resources.js';

const runbookFiles = readdirSync(path.join(sharedDir, 'runbooks'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.replace(/\.md$/, ''))
  .sort();
// Resources never need the warehouse: a gateway whose warehouse cannot open proves it.
const gateway = gatewayWithoutWarehouse('resources');

const read = async (uri: string) => {
  const { contents } = await gateway.client.readResource({ uri });
  expect(contents).toHaveLength(1);
  return contents[0] as { uri: string; mimeType?: string; text: string };
};

interface CatalogueEntry {
  name: string;
  team: string;
  sla_hours: number;
  severity: number;
  monitor_only: boolean;
  customer_impact: boolean;
  escalation: string;
  runbook: string | null;
}

describe('runbooks and the stuck-reason catalogue as MCP resources', () => {
  it('lists the catalogue and every runbook of shared/runbooks', async () => {
    const { resources } = await gateway.client.listResources();
    expect(runbookFiles.length).toBeGreaterThanOrEqual(20);
    expect(resources.map((r) => r.uri)).toContain(STUCK_REASONS_URI);
    const runbooks = resources.filter((r) => r.uri.startsWith('ecm://runbooks/'));
    expect(runbooks.map((r) => r.name).sort()).toEqual(runbookFiles);
    expect(runbooks.every((r) => r.mimeType === 'text/markdown' && r.title)).toBe(true);
    const { resourceTemplates } = await gateway.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([RUNBOOK_URI_TEMPLATE]);
  });

  it('serves each runbook as the Markdown the runbook_get tool returns', async () => {
    for (const name of runbookFiles) {
      const content = await read(`ecm://runbooks/${name}`);
      expect(content.mimeType).toBe('text/markdown');
      const tool = (await gateway.client.callTool({ name: 'runbook_get', arguments: { name } })) as unknown as {
        structuredContent: { content: string };
      };
      expect(content.text, name).toBe(tool.structuredContent.content);
    }
  });

  it('finds a runbook by stuck reason too', async () => {
    const byReason = await read('ecm://runbooks/stuck_at_rda_partner_rfi_grtr_than_24_hrs');
    expect(byReason.text).toMatch(/^# /);
  });

  it('serves the catalogue as the engine loaded it, each reason pointing at a runbook that reads', async () => {
    const content = await read(STUCK_REASONS_URI);
    expect(content.mimeType).toBe('application/json');
    const { reasons } = JSON.parse(content.text) as { reasons: CatalogueEntry[] };
    expect(reasons.map((r) => r.name).sort()).toEqual([...config.reasons.keys()].sort());
    expect(reasons.length).toBeGreaterThanOrEqual(21);
    for (const r of reasons) {
      const loaded = config.reasons.get(r.name)!;
      expect({
        team: r.team,
        sla: r.sla_hours,
        severity: r.severity,
        monitor: r.monitor_only,
        impact: r.customer_impact,
        escalation: r.escalation,
      }).toEqual({
        team: loaded.team,
        sla: loaded.sla_hours,
        severity: loaded.severity,
        monitor: loaded.monitor_only,
        impact: loaded.customer_impact,
        escalation: loaded.escalation,
      });
      expect(r.runbook, r.name).toMatch(/^ecm:\/\/runbooks\//);
      expect((await read(r.runbook!)).text.length).toBeGreaterThan(200);
    }
    expect(reasons.find((r) => r.name === 'refund_pending')).toMatchObject({ customer_impact: true, sla_hours: 2, team: 'Ops' });
  });

  it('an unknown runbook is an error that names the known ones', async () => {
    await expect(gateway.client.readResource({ uri: 'ecm://runbooks/no_such_reason' })).rejects.toThrow(
      /No runbook or stuck reason is named "no_such_reason".*refund_pending/,
    );
  });

  it('a path in the name reaches no file outside the runbook library', async () => {
    for (const uri of [
      'ecm://runbooks/..%2Fconfig%2Fecm.yaml',
      'ecm://runbooks/..%2F..%2F..%2Fpackage.json',
      'ecm://runbooks/%2Fetc%2Fpasswd',
      'ecm://runbooks/..',
    ]) {
      await expect(gateway.client.readResource({ uri }), uri).rejects.toThrow();
    }
    await expect(gateway.client.readResource({ uri: 'ecm://config/ecm.yaml' })).rejects.toThrow();
  });

  it('holds no secret, no email address and no phone number', async () => {
    const { resources } = await gateway.client.listResources();
    expect(resources.length).toBeGreaterThan(20);
    // As if a warehouse URL with a password were configured: it must not appear anywhere.
    const env = { ECM_WAREHOUSE_URL: 'postgres://ecm:s3cret-pass@example.com:5432/wh' };
    for (const r of resources) {
      const { text } = await read(r.uri);
      expect(maskSecrets(text, env), r.uri).toBe(text);
      expect(text, r.uri).not.toMatch(/[^\s@`'"]+@[^\s@`'"]+\.[a-z]{2,}/i);
      expect(text, r.uri).not.toMatch(/\+\d[\d\s-]{7,}\d/);
    }
  });

  it('completes runbook names for clients that offer completion', async () => {
    const { completion } = await gateway.client.complete({
      ref: { type: 'ref/resource', uri: RUNBOOK_URI_TEMPLATE },
      argument: { name: 'name', value: 'stuck_at_rda' },
    });
    expect(completion.values.length).toBeGreaterThanOrEqual(3);
    expect(completion.values.every((v) => v.startsWith('stuck_at_rda'))).toBe(true);
  });
});
