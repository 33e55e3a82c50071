import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed webhooks, Slack-style: `X-ECM-Timestamp: <unix seconds>` and
 * `X-ECM-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
 */
export const SIGNATURE_HEADER = 'x-ecm-signature';
export const TIMESTAMP_HEADER = 'x-ecm-timestamp';

export function signWebhook(secret: string, timestamp: number | string, body: string | Buffer): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export type SignatureCheck = { ok: true; signature: string } | { ok: false; reason: 'unsigned' | 'stale' | 'forged'; message: string };

export function checkWebhookSignature(
  headers: { readonly signature: string | undefined; readonly timestamp: string | undefined },
  body: Buffer,
  secret: string,
  now: Date,
  maxSkewSeconds: number,
): SignatureCheck {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp)
    return {
      ok: false,
      reason: 'unsigned',
      message: 'missing X-ECM-Signature or X-ECM-Timestamp: sign the body as v1=HMAC-SHA256(secret, "<timestamp>.<body>")',
    };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'stale', message: 'X-ECM-Timestamp must be Unix seconds' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > maxSkewSeconds) {
    return {
      ok: false,
      reason: 'stale',
      message: `X-ECM-Timestamp is more than ${maxSkewSeconds} s from the server's clock: sign each delivery when it is sent`,
    };
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged', message: 'signature does not match the body and timestamp' };
  return { ok: true, signature };
}
