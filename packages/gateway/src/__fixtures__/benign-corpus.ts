import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Analytical statements warehouse_query must keep accepting (and the warehouse must answer). */
export const BENIGN: readonly string[] = [
  'SELECT 1',
  "SELECT order_id FROM orders_goms WHERE status = 'FAILED' ORDER BY created_at DESC LIMIT 10",
  'SELECT status, COUNT(*) AS n, COUNT(DISTINCT owner_id) AS owners FROM orders_goms GROUP BY status HAVING COUNT(*) > 1 ORDER BY n DESC',
  'WITH p AS (SELECT reference_id, COUNT(*) AS n FROM payments_goms GROUP BY 1) SELECT * FROM p WHERE n > 1 LIMIT 20',
  "WITH a AS (SELECT order_id FROM orders_goms), b AS (SELECT order_id FROM a WHERE order_id LIKE '%1') SELECT COUNT(*) FROM b",
  'SELECT o.order_id, ROW_NUMBER() OVER (PARTITION BY o.status ORDER BY o.created_at) AS rn, LAG(o.created_at) OVER w AS previous FROM orders_goms AS o WINDOW w AS (ORDER BY o.created_at) LIMIT 50',
  'SELECT status FROM orders_goms UNION SELECT status FROM lulu_data EXCEPT SELECT status FROM transfer_rfi',
  'SELECT status FROM orders_goms INTERSECT SELECT payment_status FROM payments_goms',
  "SELECT order_id FROM orders_goms WHERE order_id IN (SELECT reference_id FROM transfer_rfi WHERE status = 'EXPIRED') LIMIT 5",
  "SELECT o.order_id FROM orders_goms AS o WHERE EXISTS (SELECT 1 FROM payments_goms AS p WHERE p.reference_id = o.order_id AND p.payment_status = 'COMPLETED') LIMIT 5",
  "SELECT COALESCE(MAX(created_at), TIMESTAMP '2026-01-01 00:00:00') AS newest FROM orders_goms -- newest order",
  "SELECT date_trunc('day', created_at) AS day, count(*) FROM orders_goms GROUP BY 1 ORDER BY 1",
  "SELECT EXTRACT(EPOCH FROM (TIMESTAMP '2026-02-17 01:30:00' - created_at)) / 3600 AS hours FROM orders_goms LIMIT 5",
  "SELECT created_at + INTERVAL '4 hours' AS later, created_at::date AS day, DATE_PART('dow', created_at) AS dow, AGE(TIMESTAMP '2026-02-17', created_at) AS age FROM orders_goms LIMIT 5",
  "SELECT to_char(created_at, 'YYYY-MM-DD HH24:MI') AS at, created_at AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Kolkata' AS ist FROM orders_goms LIMIT 3",
  "SELECT CASE WHEN meta_postscript_pricing_info_send_amount >= 1000 THEN 'high' WHEN meta_postscript_pricing_info_send_amount IS NULL THEN 'unknown' ELSE 'low' END AS band, COUNT(*) FROM orders_goms GROUP BY 1",
  'SELECT NULLIF(status, sub_state) AS s, GREATEST(created_at, updated_at) AS latest, LEAST(created_at, updated_at) AS earliest FROM orders_goms LIMIT 5',
  'SELECT ROUND(AVG(meta_postscript_pricing_info_send_amount), 2) AS avg_amount, SUM(meta_postscript_pricing_info_send_amount)::numeric(18,2) AS total, percentile_cont(0.5) WITHIN GROUP (ORDER BY meta_postscript_pricing_info_send_amount) AS median FROM orders_goms',
  "SELECT UPPER(status) || '/' || LOWER(sub_state) AS label, LENGTH(order_id) AS len, SUBSTRING(order_id FROM 1 FOR 4) AS prefix, TRIM(BOTH ' ' FROM status) AS t, SPLIT_PART(order_id, '-', 1) AS head FROM orders_goms LIMIT 5",
  "SELECT order_id FROM orders_goms WHERE status ILIKE 'comp%' AND order_id NOT LIKE 'X!_%' ESCAPE '!' AND created_at BETWEEN TIMESTAMP '2026-01-01' AND TIMESTAMP '2026-03-01' LIMIT 5",
  "SELECT order_id FROM orders_goms WHERE status = ANY (ARRAY['COMPLETED', 'FAILED']) AND sub_state IS NOT NULL AND status IS DISTINCT FROM 'X' LIMIT 5",
  "SELECT f.status, COUNT(*) FILTER (WHERE tp.status = 'FAILED') AS failed, COUNT(tp.payout_id) AS attempts FROM falcon_transactions_v2 AS f LEFT JOIN transaction_payout AS tp ON tp.transaction_id = f.transaction_id GROUP BY f.status",
  'SELECT x.order_id, x.n FROM (SELECT order_id, COUNT(*) OVER (PARTITION BY owner_id) AS n FROM orders_goms) AS x WHERE x.n > 1 ORDER BY x.n DESC, x.order_id LIMIT 10',
  'SELECT o.order_id, l.sub_status, r.max_rfi FROM orders_goms AS o FULL JOIN lulu_data AS l USING (order_id) LEFT JOIN LATERAL (SELECT MAX(modified_at) AS max_rfi FROM transfer_rfi AS t WHERE t.reference_id = o.order_id) AS r ON true LIMIT 10',
  'SELECT DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS rank, payout_partner, COUNT(*) FROM transaction_payout GROUP BY payout_partner',
  'SELECT public_orders.order_id FROM orders_goms AS public_orders WHERE CAST(public_orders.meta_postscript_pricing_info_send_amount AS integer) > 10 LIMIT 3',
  'select "order_id", Status from ORDERS_GOMS limit 3',
  'TABLE rda_fulfillments',
  'SELECT COUNT(*) FROM uae_manual_payments AS u JOIN checkout_payment_data AS c ON c.order_id = u.order_id JOIN fulfillments_goms AS g ON g.order_id = u.order_id',
  "SELECT CURRENT_DATE - INTERVAL '30 days' AS since, NOW() > TIMESTAMP '2000-01-01' AS later, CURRENT_TIMESTAMP IS NOT NULL AS t",
];

/**
 * The example queries of the skills that tell an agent to use warehouse_query, with their
 * placeholders filled in: what the product itself asks agents to run must pass.
 */
export function skillExampleQueries(sharedDir: string, orderId: string): { skill: string; sql: string }[] {
  const out: { skill: string; sql: string }[] = [];
  const skills = path.join(sharedDir, 'skills');
  for (const skill of readdirSync(skills)) {
    let text: string;
    try {
      text = readFileSync(path.join(skills, skill, 'SKILL.md'), 'utf8');
    } catch {
      continue;
    }
    for (const match of text.matchAll(/```sql\n([\s\S]*?)```/g)) {
      out.push({ skill, sql: match[1]!.replace(/<[a-z_0-9]+>/g, orderId).trim() });
    }
  }
  return out;
}
