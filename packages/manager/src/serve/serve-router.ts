import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorText } from '@ecm/core/text';
import { handleAlerts } from './serve-alerts.js';
import type { RouteDeps } from './serve-deps.js';
import { handleHealth, type ServiceStatus } from './serve-health.js';
import { send, TooLarge } from './serve-http.js';
import { handleMetrics } from './serve-metrics-route.js';
import { handleSlackEvents } from './serve-slack-events.js';
import { handleWebhook } from './serve-webhooks.js';

const pathOf = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://serve.invalid').pathname;

/** Sends each request to its route; while stopping, only /health and /metrics still answer. */
export async function route(deps: RouteDeps, status: ServiceStatus, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = pathOf(req);
  if (status.stopping() && path !== '/health' && path !== '/metrics') {
    res.setHeader('connection', 'close');
    return send(res, 503, { error: 'shutting down: retry against another replica' });
  }
  if (req.method === 'GET' && path === '/health') return handleHealth(deps, status, res);
  if (req.method === 'GET' && path === '/metrics') return handleMetrics(deps, res);
  if (path === '/alerts/alertmanager') return req.method === 'POST' ? handleAlerts(deps, req, res) : send(res, 405, { error: 'POST only' });
  const hook = /^\/webhooks\/([^/]+)$/.exec(path);
  if (hook)
    return req.method === 'POST' ? handleWebhook(deps, req, res, decodeURIComponent(hook[1]!)) : send(res, 405, { error: 'POST only' });
  if (path === '/slack/events' && handleSlackEvents(deps, req, res)) return;
  send(res, 404, { error: `no route ${req.method} ${path}` });
}

/** A route that threw: an oversized body is 413 (counted against its route); anything else is logged and 500. */
export function answerFailure(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (err instanceof TooLarge) {
    deps.metrics.rejected.inc({ route: pathOf(req).startsWith('/webhooks/') ? 'webhook' : 'alertmanager', reason: 'too_large' });
    res.setHeader('connection', 'close');
    send(res, 413, { error: `body larger than ${deps.config.body_limit_bytes} bytes` });
    return;
  }
  deps.log(`serve: ${req.method} ${req.url}: ${errorText(err)}`);
  if (!res.headersSent) send(res, 500, { error: 'internal error (see the service log)' });
}
