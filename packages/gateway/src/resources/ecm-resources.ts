import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayContext } from '../gateway-context.js';

export const STUCK_REASONS_URI = 'ecm://stuck-reasons';
export const RUNBOOK_URI_TEMPLATE = 'ecm://runbooks/{name}';
export const runbookUri = (name: string) => `ecm://runbooks/${encodeURIComponent(name)}`;

/**
 * The stuck-reason catalogue as the engine loaded and validated it (shared/stuck-reasons.yaml):
 * business rules only, nothing from the environment, no customer data.
 */
export function stuckReasonCatalogue(ctx: GatewayContext) {
  return {
    reasons: [...ctx.config.reasons.values()].map((r) => {
      const runbook = ctx.runbooks.get(r.name);
      return {
        name: r.name,
        team: r.team,
        sla_hours: r.sla_hours,
        severity: r.severity,
        monitor_only: r.monitor_only,
        customer_impact: r.customer_impact,
        summary: r.summary,
        action: r.action,
        escalation: r.escalation,
        runbook: runbook ? runbookUri(runbook.name) : null,
      };
    }),
  };
}

/** The runbook library and the stuck-reason catalogue as MCP resources, for clients that attach context. */
export function registerEcmResources(server: McpServer, ctx: GatewayContext): void {
  server.registerResource(
    'stuck-reasons',
    STUCK_REASONS_URI,
    {
      title: 'Stuck-reason catalogue',
      description:
        'Every stuck reason with its team, SLA hours, severity, monitor-only and customer-impact flags, one-line action, escalation role and runbook.',
      mimeType: 'application/json',
    },
    (uri): ReadResourceResult => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(stuckReasonCatalogue(ctx), null, 2) }],
    }),
  );

  const template = new ResourceTemplate(RUNBOOK_URI_TEMPLATE, {
    list: () => ({
      resources: ctx.runbooks.list().map((r) => ({
        uri: runbookUri(r.name),
        name: r.name,
        title: r.title,
        description: r.reasons.length ? `Runbook for ${r.reasons.join(', ')}` : 'Runbook',
        mimeType: 'text/markdown',
      })),
    }),
    complete: {
      name: (value) =>
        ctx.runbooks
          .list()
          .map((r) => r.name)
          .filter((n) => n.startsWith(value)),
    },
  });
  server.registerResource(
    'runbook',
    template,
    {
      title: 'Runbook',
      description:
        'One runbook (symptoms, how to confirm in each system, numbered steps, escalation, verification), by runbook name or stuck reason.',
      mimeType: 'text/markdown',
    },
    (uri, variables): ReadResourceResult => {
      const raw = variables.name;
      const name = decodeURIComponent(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
      const runbook = ctx.runbooks.get(name);
      if (!runbook) {
        throw new McpError(
          ErrorCode.InvalidParams,
          `No runbook or stuck reason is named "${name}"; known runbooks: ${ctx.runbooks
            .list()
            .map((r) => r.name)
            .join(', ')}.`,
        );
      }
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: runbook.content }] };
    },
  );
}
