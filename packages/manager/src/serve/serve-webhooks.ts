import type { IncomingMessage, ServerResponse } from 'node:http';
import { firstIssue } from '@ecm/core/text';
import type { Domain } from '@ecm/agent';
import { z } from 'zod';
import type { RouteDeps } from './serve-deps.js';
import { header, readBody, send } from './serve-http.js';
import type { TriggerRequest } from './trigger-gate.js';
import { checkWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';

/** A webhook delivery's body: the event type the domain's configuration routes, an optional delivery id, its data. */
export const webhookEventSchema = z
  .object({
    type: z.string().regex(/^[a-z0-9_.-]{1,64}$/, 'expected an event type such as refund.requested'),
    /** The sender's delivery id: a re-delivery with the same id starts nothing new. */
    id: z.string().min(1).max(200).optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

type WebhookTriggers = NonNullable<Domain['triggers']['webhook']>;
type Refuse = (status: number, reason: string, error: string) => void;

/** The signed, fresh, first-seen body; otherwise refused. */
async function signedBody(deps: RouteDeps, req: IncomingMessage, name: string, secret: string, refuse: Refuse) {
  const body = await readBody(req, deps.config.body_limit_bytes);
  const check = checkWebhookSignature(
    { signature: header(req, SIGNATURE_HEADER), timestamp: header(req, TIMESTAMP_HEADER) },
    body,
    secret,
    deps.now(),
    deps.config.webhook.max_skew_seconds,
  );
  if (!check.ok) return refuse(401, check.reason, check.message);
  // Only a correctly signed, fresh request can be a replay; the window outlives the allowed skew.
  if (!(await deps.store.firstSighting(name, check.signature, deps.now(), 2 * deps.config.webhook.max_skew_seconds * 1000))) {
    return refuse(409, 'replayed', 'this signature was already accepted: a replayed request');
  }
  return body;
}

/** The body as one of the domain's configured webhook events; otherwise refused. */
function routedEvent(webhook: WebhookTriggers, name: string, body: Buffer, refuse: Refuse) {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(400, 'invalid', 'expected a JSON body {type, id?, data?}');
  }
  const parsed = webhookEventSchema.safeParse(json);
  if (!parsed.success) {
    return refuse(400, 'invalid', firstIssue(parsed.error));
  }
  const events = webhook.events;
  const event = events.find((e) => e.type === parsed.data.type);
  if (!event)
    return refuse(
      422,
      'unrouted',
      `domain ${name} has no webhook event "${parsed.data.type}" (known: ${events.map((e) => e.type).join(', ')})`,
    );
  return { event, delivery: parsed.data };
}

/** `POST /webhooks/<domain>`: a signed event the domain's configuration routes to a run. */
export async function handleWebhook(deps: RouteDeps, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  const domain = deps.domains.get(name);
  const refuse: Refuse = (status, reason, error) => {
    deps.metrics.rejected.inc({ route: 'webhook', reason });
    send(res, status, { error });
  };
  if (!domain?.triggers.webhook) return refuse(404, 'unknown_domain', `no domain "${name}" takes webhooks`);
  const secret = deps.env[domain.triggers.webhook.secret_env];
  if (!secret) return refuse(503, 'unconfigured', `domain ${name}'s webhooks are off: ${domain.triggers.webhook.secret_env} is not set`);
  const body = await signedBody(deps, req, name, secret, refuse);
  if (!body) return;
  const routed = routedEvent(domain.triggers.webhook, name, body, refuse);
  if (!routed) return;
  const { event, delivery } = routed;
  const t: TriggerRequest = {
    domain: name,
    source: 'webhook',
    kind: event.type,
    ...(delivery.id ? { dedupeKey: `id:${delivery.id}` } : {}),
    detail: { type: event.type, id: delivery.id ?? null, data: delivery.data },
  };
  const admission = await deps.gate.admit(t);
  if (!admission.ok) {
    return send(res, admission.code === 'duplicate' ? 200 : 429, {
      accepted: false,
      reason: admission.reason,
      ...(admission.code ? { code: admission.code } : {}),
    });
  }
  deps.start(t, domain, event.run, admission.finish);
  send(res, 202, { accepted: true, domain: name, type: event.type });
}
