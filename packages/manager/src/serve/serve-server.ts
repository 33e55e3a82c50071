import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StateDb } from '@ecm/core/stores';
import type { Domain } from '@ecm/agent';
import { z } from 'zod';
import { alertDedupeKey, alertmanagerPayloadSchema, routeAlert } from './alert-routing.js';
import type { ServeConfig } from './serve-config.js';
import type { ServeMetrics } from './serve-metrics.js';
import type { TriggerGate, TriggerRequest } from './trigger-gate.js';
import type { TriggerStore } from './trigger-store.js';
import type { TriggerRunner } from './run-trigger.js';
import { checkWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';

import type { SlackTrigger } from './slack/slack-app.js';
import { errorText } from '@ecm/core/text';

export type { SlackTrigger };

export interface ServeDeps {
  readonly config: ServeConfig;
  readonly domains: ReadonlyMap<string, Domain>;
  readonly state: StateDb;
  readonly gate: TriggerGate;
  readonly store: TriggerStore;
  readonly runner: Pick<TriggerRunner, 'run'>;
  readonly metrics: ServeMetrics;
  readonly env: NodeJS.ProcessEnv;
  readonly slack?: SlackTrigger | undefined;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/** A webhook delivery's body: the event type the domain's configuration routes, an optional delivery id, its data. */
export const webhookEventSchema = z
  .object({
    type: z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'expected an event type such as refund.requested'),
    /** The sender's delivery id: a re-delivery with the same id starts nothing new. */
    id: z.string().min(1).max(200).optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new TooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * The trigger service's HTTP side: Alertmanager's webhook, signed webhooks per domain, the Slack app's
 * HTTP endpoint, /health and /metrics. An admitted trigger is answered at once and runs in the
 * background; shutdown() waits for those runs (up to the configured drain time).
 */
export function createServeServer(deps: ServeDeps) {
  const now = deps.now ?? (() => new Date());
  const running = new Map<Promise<void>, (outcome: 'failed', detail: string) => Promise<void>>();
  /** Triggers admitted elsewhere (the Slack app) through the same gate: a shutdown waits for them too. */
  const others = new Set<Promise<void>>();
  let stopping = false;

  function start(
    t: TriggerRequest,
    domain: Domain,
    run: Parameters<TriggerRunner['run']>[1],
    finish: (o: 'done' | 'failed' | 'refused', d?: string) => Promise<void>,
  ): void {
    const work = deps.runner
      .run(domain, run, { source: t.source, kind: t.kind, ...t.detail }, `${t.source}:${domain.name}:${t.kind}`)
      .then((r) => finish(r.outcome, r.detail))
      .catch((err: unknown) => deps.log(`serve: could not record the end of a ${t.source} trigger: ${errorText(err)}`));
    running.set(work, (o, d) => finish(o, d));
    void work.finally(() => running.delete(work));
  }

  async function alerts(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = deps.env.ALERTMANAGER_WEBHOOK_TOKEN;
    if (token && header(req, 'authorization') !== `Bearer ${token}`) {
      deps.metrics.rejected.inc({ route: 'alertmanager', reason: 'unsigned' });
      return send(res, 401, {
        error: 'expected Authorization: Bearer <ALERTMANAGER_WEBHOOK_TOKEN> (http_config.authorization in the Alertmanager receiver)',
      });
    }
    const body = await readBody(req, deps.config.body_limit_bytes);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      deps.metrics.rejected.inc({ route: 'alertmanager', reason: 'invalid' });
      return send(res, 400, { error: 'expected a JSON body (Alertmanager webhook payload, version 4)' });
    }
    const parsed = alertmanagerPayloadSchema.safeParse(json);
    if (!parsed.success) {
      deps.metrics.rejected.inc({ route: 'alertmanager', reason: 'invalid' });
      const issue = parsed.error.issues[0]!;
      return send(res, 400, { error: `not an Alertmanager webhook payload: ${issue.path.join('.') || '(top level)'}: ${issue.message}` });
    }
    const results: Record<string, unknown>[] = [];
    for (const alert of parsed.data.alerts) {
      const routes = routeAlert(alert.labels, deps.domains);
      if (routes.length === 0) {
        deps.metrics.rejected.inc({ route: 'alertmanager', reason: 'unrouted' });
        results.push({ fingerprint: alert.fingerprint, status: alert.status, routed: false });
        continue;
      }
      for (const route of routes) {
        const key = alertDedupeKey(alert);
        if (alert.status === 'resolved') {
          const recorded = await deps.store.resolve(route.domain.name, 'alertmanager', key, now());
          if (recorded) deps.metrics.resolutions.inc({ domain: route.domain.name });
          results.push({ fingerprint: alert.fingerprint, domain: route.domain.name, status: 'resolved', recorded });
          continue;
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
        if (admission.ok) start(t, route.domain, route.run, admission.finish);
        results.push({
          fingerprint: alert.fingerprint,
          domain: route.domain.name,
          route: route.route,
          status: 'firing',
          started: admission.ok,
          ...(admission.ok ? {} : { reason: admission.reason }),
        });
      }
    }
    // Alertmanager retries on 5xx only: a refusal is an answer, not a failure.
    send(res, 200, { alerts: results });
  }

  async function webhook(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    const domain = deps.domains.get(name);
    const refuse = (status: number, reason: string, error: string) => {
      deps.metrics.rejected.inc({ route: 'webhook', reason });
      send(res, status, { error });
    };
    if (!domain?.triggers.webhook) return refuse(404, 'unknown_domain', `no domain "${name}" takes webhooks`);
    const secret = deps.env[domain.triggers.webhook.secret_env];
    if (!secret) return refuse(503, 'unconfigured', `domain ${name}'s webhooks are off: ${domain.triggers.webhook.secret_env} is not set`);
    const body = await readBody(req, deps.config.body_limit_bytes);
    const check = checkWebhookSignature(
      { signature: header(req, SIGNATURE_HEADER), timestamp: header(req, TIMESTAMP_HEADER) },
      body,
      secret,
      now(),
      deps.config.webhook.max_skew_seconds,
    );
    if (!check.ok) return refuse(401, check.reason, check.message);
    // Only a correctly signed, fresh request can be a replay; the window outlives the allowed skew.
    if (!(await deps.store.firstSighting(name, check.signature, now(), 2 * deps.config.webhook.max_skew_seconds * 1000))) {
      return refuse(409, 'replayed', 'this signature was already accepted: a replayed request');
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return refuse(400, 'invalid', 'expected a JSON body {type, id?, data?}');
    }
    const parsed = webhookEventSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return refuse(400, 'invalid', `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    }
    const event = domain.triggers.webhook.events.find((e) => e.type === parsed.data.type);
    if (!event)
      return refuse(
        422,
        'unrouted',
        `domain ${name} has no webhook event "${parsed.data.type}" (known: ${domain.triggers.webhook.events.map((e) => e.type).join(', ')})`,
      );
    const t: TriggerRequest = {
      domain: name,
      source: 'webhook',
      kind: event.type,
      ...(parsed.data.id ? { dedupeKey: `id:${parsed.data.id}` } : {}),
      detail: { type: event.type, id: parsed.data.id ?? null, data: parsed.data.data },
    };
    const admission = await deps.gate.admit(t);
    if (!admission.ok) {
      return send(res, admission.code === 'duplicate' ? 200 : 429, {
        accepted: false,
        reason: admission.reason,
        ...(admission.code ? { code: admission.code } : {}),
      });
    }
    start(t, domain, event.run, admission.finish);
    send(res, 202, { accepted: true, domain: name, type: event.type });
  }

  async function health(res: ServerResponse): Promise<void> {
    let state: string;
    try {
      await Promise.race([
        deps.state.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref()),
      ]);
      state = 'reachable';
    } catch (err) {
      state = `unreachable: ${errorText(err)}`;
    }
    const ok = state === 'reachable' && !stopping;
    send(res, ok ? 200 : 503, {
      ok,
      stopping,
      domains: [...deps.domains.keys()],
      state_store: state,
      slack: deps.slack ? (deps.slack.requestListener ? 'http' : 'socket') : 'off',
      in_flight: running.size,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://serve.invalid');
    const route = url.pathname;
    if (stopping && route !== '/health' && route !== '/metrics') {
      res.setHeader('connection', 'close');
      return send(res, 503, { error: 'shutting down: retry against another replica' });
    }
    if (req.method === 'GET' && route === '/health') return health(res);
    if (req.method === 'GET' && route === '/metrics') {
      deps.metrics.domains.set(deps.domains.size);
      const text = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      return void res.end(text);
    }
    if (route === '/alerts/alertmanager') return req.method === 'POST' ? alerts(req, res) : send(res, 405, { error: 'POST only' });
    const hook = /^\/webhooks\/([^/]+)$/.exec(route);
    if (hook) return req.method === 'POST' ? webhook(req, res, decodeURIComponent(hook[1]!)) : send(res, 405, { error: 'POST only' });
    if (route === '/slack/events' && deps.slack?.requestListener) return deps.slack.requestListener(req, res);
    send(res, 404, { error: `no route ${req.method} ${route}` });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof TooLarge) {
        deps.metrics.rejected.inc({
          route: new URL(req.url ?? '/', 'http://serve.invalid').pathname.startsWith('/webhooks/') ? 'webhook' : 'alertmanager',
          reason: 'too_large',
        });
        res.setHeader('connection', 'close');
        return send(res, 413, { error: `body larger than ${deps.config.body_limit_bytes} bytes` });
      }
      deps.log(`serve: ${req.method} ${req.url}: ${errorText(err)}`);
      if (!res.headersSent) send(res, 500, { error: 'internal error (see the service log)' });
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    server,
    listen(port: number, host: string): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    },
    /** Runs an admitted trigger in the background, as the routes do (the cron jobs use it). */
    runAdmitted: start,
    /** Triggers this server started that have not finished. */
    inFlight: () => running.size,
    /** The gate's `track`: an admitted trigger's promise of being finished. */
    track(finished: Promise<void>): void {
      others.add(finished);
      void finished.finally(() => others.delete(finished));
    },
    /**
     * Stops accepting, lets in-flight triggers finish within `drainMs`, records the rest as failed
     * (interrupted), and closes the connections. The caller closes the stores afterwards.
     */
    async shutdown(drainMs: number): Promise<{ drained: number; interrupted: number }> {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await deps.slack?.stop().catch((err: unknown) => deps.log(`serve: the Slack app did not stop cleanly: ${errorText(err)}`));
      const pending = [...running.keys()];
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...pending, ...others]),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs))),
      ]);
      clearTimeout(timer);
      const left = [...running.values()];
      for (const interrupt of left)
        await interrupt('failed', `interrupted: the service stopped after ${Math.round(drainMs / 1000)} s of draining`).catch(
          () => undefined,
        );
      server.closeAllConnections();
      await closed;
      return { drained: pending.length - left.length, interrupted: left.length };
    },
  };
}
export type ServeServer = ReturnType<typeof createServeServer>;
