import type { IncomingMessage, ServerResponse } from 'node:http';
import { firstIssue } from '@ecm/core/text';
import type { z } from 'zod';
import { alertDedupeKey, alertmanagerPayloadSchema, routeAlert } from './alert-routing.js';
import type { RouteDeps } from './serve-deps.js';
import { header, readBody, send } from './serve-http.js';
import type { TriggerRequest } from './trigger-gate.js';

type Payload = z.infer<typeof alertmanagerPayloadSchema>;
type Alert = Payload['alerts'][number];
type AlertRoute = ReturnType<typeof routeAlert>[number];

/** The authorized, valid payload; otherwise the refusal is already sent and counted. */
async function readPayload(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<Payload | undefined> {
  const token = deps.env.ALERTMANAGER_WEBHOOK_TOKEN;
  if (token && header(req, 'authorization') !== `Bearer ${token}`) {
    deps.metrics.rejected.inc({ route: 'alertmanager', reason: 'unsigned' });
    send(res, 401, {
      error: 'expected Authorization: Bearer <ALERTMANAGER_WEBHOOK_TOKEN> (http_config.authorization in the Alertmanager receiver)',
    });
    return undefined;
  }
  const body = await readBody(req, deps.config.body_limit_bytes);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    deps.metrics.rejected.inc({ route: 'alertmanager', reason: 'invalid' });
    send(res, 400, { error: 'expected a JSON body (Alertmanager webhook payload, version 4)' });
    return undefined;
  }
  const parsed = alertmanagerPayloadSchema.safeParse(json);
  if (!parsed.success) {
    deps.metrics.rejected.inc({ route: 'alertmanager', reason: 'invalid' });
    send(res, 400, { error: `not an Alertmanager webhook payload: ${firstIssue(parsed.error)}` });
    return undefined;
  }
  return parsed.data;
}

/** One alert on one route: a resolution is recorded; a firing alert is a trigger for the gate. */
async function routeOne(deps: RouteDeps, alert: Alert, route: AlertRoute): Promise<Record<string, unknown>> {
  const key = alertDedupeKey(alert);
  if (alert.status === 'resolved') {
    const recorded = await deps.store.resolve(route.domain.name, 'alertmanager', key, deps.now());
    if (recorded) deps.metrics.resolutions.inc({ domain: route.domain.name });
    return { fingerprint: alert.fingerprint, domain: route.domain.name, status: 'resolved', recorded };
  }
  const t: TriggerRequest = {
    domain: route.domain.name,
    source: 'alertmanager',
    kind: route.route,
    dedupeKey: key,
    detail: {
      alertname: alert.labels.alertname ?? null,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      fingerprint: alert.fingerprint,
    },
  };
  const admission = await deps.gate.admit(t);
  if (admission.ok) deps.start(t, route.domain, route.run, admission.finish);
  return {
    fingerprint: alert.fingerprint,
    domain: route.domain.name,
    route: route.route,
    status: 'firing',
    started: admission.ok,
    ...(admission.ok ? {} : { reason: admission.reason }),
  };
}

/** `POST /alerts/alertmanager`: each alert goes to the domains whose routes match its labels. */
export async function handleAlerts(deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const payload = await readPayload(deps, req, res);
  if (!payload) return;
  const results: Record<string, unknown>[] = [];
  for (const alert of payload.alerts) {
    const routes = routeAlert(alert.labels, deps.domains);
    if (routes.length === 0) {
      deps.metrics.rejected.inc({ route: 'alertmanager', reason: 'unrouted' });
      results.push({ fingerprint: alert.fingerprint, status: alert.status, routed: false });
      continue;
    }
    for (const route of routes) results.push(await routeOne(deps, alert, route));
  }
  // Alertmanager retries on 5xx only: a refusal is an answer, not a failure.
  send(res, 200, { alerts: results });
}
