import { createHmac } from 'node:crypto';
import { queryRows, type SqlQueryable } from '../db/sql.js';
import type { ClusterProposal } from './cluster-proposal.js';
import { errorText } from '@ecm/core/text';

export type ExecutorCall =
  | { readonly status: 'not_configured' }
  | { readonly status: 'misconfigured'; readonly reason: string }
  | { readonly status: 'already_called'; readonly outcome: string }
  | { readonly status: 'delivered' | 'refused' | 'unreachable'; readonly httpStatus: number | null; readonly detail: string | null };

/** HMAC-SHA256 over `timestamp.body`, hex: what the executor recomputes with the shared secret. */
export const signExecutorCall = (secret: string, timestamp: string, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

const TIMEOUT_MS = 10_000;

/**
 * One signed webhook to the company's own executor (ECM_FIX_EXECUTOR_URL, ECM_FIX_EXECUTOR_SECRET)
 * for an approved proposal. The call is claimed in `proposal_executor_calls` before it is sent, so no
 * re-run sends it twice: at most once, and a failed call is left to a person, not retried blindly.
 */
export async function callFixExecutor(
  db: SqlQueryable,
  proposal: ClusterProposal,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<ExecutorCall> {
  const url = env.ECM_FIX_EXECUTOR_URL?.trim();
  if (!url) return { status: 'not_configured' };
  const secret = env.ECM_FIX_EXECUTOR_SECRET?.trim();
  if (!secret)
    return {
      status: 'misconfigured',
      reason: 'ECM_FIX_EXECUTOR_URL is set but ECM_FIX_EXECUTOR_SECRET is empty; expected the shared signing secret',
    };
  if (!/^https?:\/\//.test(url)) return { status: 'misconfigured', reason: `ECM_FIX_EXECUTOR_URL: expected an http(s) URL, got "${url}"` };
  const claimed = await queryRows(
    db,
    `INSERT INTO proposal_executor_calls (proposal_id, claimed_at, outcome) VALUES ($1, $2, 'sending') ON CONFLICT (proposal_id) DO NOTHING RETURNING proposal_id`,
    [proposal.id, now.toISOString()],
  );
  if (!claimed.length) {
    const [prior] = await queryRows(db, `SELECT outcome FROM proposal_executor_calls WHERE proposal_id = $1`, [proposal.id]);
    return { status: 'already_called', outcome: String(prior?.outcome ?? 'unknown') };
  }
  const body = JSON.stringify({
    proposal_id: proposal.id,
    cluster_id: proposal.clusterId,
    action: proposal.action.kind,
    ...(proposal.action.kind === 'retry_payout_with_partner' ? { partner: proposal.action.partner } : {}),
    order_ids: proposal.action.order_ids,
    approved_at: proposal.decidedAt?.toISOString() ?? null,
  });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  let result: ExecutorCall;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-ECM-Timestamp': timestamp,
        'X-ECM-Signature': `sha256=${signExecutorCall(secret, timestamp, body)}`,
        'Idempotency-Key': proposal.id,
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = (await res.text().catch(() => '')).slice(0, 500);
    result = { status: res.ok ? 'delivered' : 'refused', httpStatus: res.status, detail: text || null };
  } catch (err) {
    result = { status: 'unreachable', httpStatus: null, detail: errorText(err) };
  }
  await db.query(
    `UPDATE proposal_executor_calls SET finished_at = $2, http_status = $3, outcome = $4, detail = $5 WHERE proposal_id = $1`,
    [proposal.id, new Date().toISOString(), result.httpStatus, result.status, result.detail],
  );
  return result;
}
