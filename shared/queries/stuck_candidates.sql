-- Stuck-order candidates for one run, each enriched with every fact the classifier needs,
-- in one set-based statement (domain reference §3 and §4).
--
-- Parameters (bound, never interpolated):
--   $1  window start = T - window_days  (UTC)
--   $2  window end   = T - min_age_hours (UTC)
--   $3  one order id, or NULL for every candidate (the gateway's and the field's one-order view)
-- {{currencies}}, {{statuses}}, {{sub_states}} and {{completed_falcon_status}} are filled from
-- config/ecm.yaml with validated upper-case codes before the statement is sent.
-- Runs unchanged on Amazon Redshift and PostgreSQL: no GETDATE/now(), no DATEDIFF, no FILTER,
-- no correlated subqueries.
-- Every ROW_NUMBER ends its ORDER BY with a tie-break (the row's id, or every column read when the
-- table has none): Redshift does not enforce primary keys, so duplicate rows with equal timestamps
-- happen, and without a total order two identical orders could get different facts (and reasons)
-- depending only on the order the duplicates were inserted. Every per-order lookup is joined to the candidate set first, so the
-- work is proportional to the number of candidates, not to the size of the warehouse.
-- Two branches joined by UNION rather than one OR: an IN-subquery under OR cannot become a
-- semi-join, so the planner guessed half of all COMPLETED orders were candidates (80x too many),
-- chose full scans and hash joins for every enrichment, and PostgreSQL spent seconds on JIT.
WITH cand AS (
    SELECT
        o.order_id,
        o.owner_id,
        o.status,
        o.sub_state,
        o.meta_postscript_pricing_info_send_currency AS currency,
        o.meta_postscript_pricing_info_send_amount AS send_amount,
        o.meta_postscript_pricing_info_receive_amount AS receive_amount,
        o.meta_postscript_acquirer AS acquirer,
        o.created_at,
        o.updated_at
    FROM orders_goms AS o
    WHERE
        o.created_at >= CAST($1 AS TIMESTAMP)
        AND o.created_at < CAST($2 AS TIMESTAMP)
        AND o.meta_postscript_pricing_info_send_currency IN ({{currencies}})
        AND (CAST($3 AS VARCHAR) IS NULL OR o.order_id = CAST($3 AS VARCHAR))
        AND o.status IN ({{statuses}})
        AND o.sub_state IN ({{sub_states}})
    UNION
    SELECT
        o.order_id,
        o.owner_id,
        o.status,
        o.sub_state,
        o.meta_postscript_pricing_info_send_currency AS currency,
        o.meta_postscript_pricing_info_send_amount AS send_amount,
        o.meta_postscript_pricing_info_receive_amount AS receive_amount,
        o.meta_postscript_acquirer AS acquirer,
        o.created_at,
        o.updated_at
    FROM falcon_transactions_v2 AS ff
    INNER JOIN orders_goms AS o ON o.order_id = ff.client_txn_id
    WHERE
        ff.status = {{completed_falcon_status}}
        AND o.status = 'COMPLETED'
        AND o.created_at >= CAST($1 AS TIMESTAMP)
        AND o.created_at < CAST($2 AS TIMESTAMP)
        AND o.meta_postscript_pricing_info_send_currency IN ({{currencies}})
        AND (CAST($3 AS VARCHAR) IS NULL OR o.order_id = CAST($3 AS VARCHAR))
),

pay AS (
    SELECT
        p.reference_id,
        p.payment_status,
        p.updated_at,
        ROW_NUMBER() OVER (
            PARTITION BY p.reference_id
            ORDER BY
                COALESCE(p.updated_at, p.created_at) DESC,
                p.payment_id DESC,
                p.payment_status DESC
        ) AS rn,
        MAX(CASE WHEN p.payment_status = 'COMPLETED' THEN 1 ELSE 0 END)
            OVER (PARTITION BY p.reference_id) AS paid
    FROM payments_goms AS p
    INNER JOIN cand AS c ON p.reference_id = c.order_id
),

ftv AS (
    SELECT
        f.client_txn_id,
        f.transaction_id,
        f.status,
        f.updated_at,
        ROW_NUMBER() OVER (
            PARTITION BY f.client_txn_id
            ORDER BY COALESCE(f.updated_at, f.created_at) DESC, f.transaction_id DESC, f.status DESC
        ) AS rn
    FROM falcon_transactions_v2 AS f
    INNER JOIN cand AS c ON f.client_txn_id = c.order_id
),

ftv1 AS (
    SELECT
        ftv.client_txn_id,
        ftv.transaction_id,
        ftv.status,
        ftv.updated_at
    FROM ftv
    WHERE ftv.rn = 1
),

payout AS (
    SELECT
        tp.transaction_id,
        tp.status,
        tp.payout_partner,
        tp.updated_at,
        ROW_NUMBER() OVER (
            PARTITION BY tp.transaction_id
            ORDER BY
                COALESCE(tp.updated_at, tp.created_at) DESC,
                tp.payout_id DESC,
                tp.status DESC,
                tp.payout_partner DESC
        ) AS rn,
        COUNT(*) OVER (PARTITION BY tp.transaction_id) AS attempts
    FROM transaction_payout AS tp
    INNER JOIN ftv1 ON tp.transaction_id = ftv1.transaction_id
),

lulu AS (
    SELECT
        l.order_id,
        l.sub_status,
        l.lulu_client,
        l.updated_at,
        ROW_NUMBER() OVER (
            PARTITION BY l.order_id
            ORDER BY
                COALESCE(l.updated_at, l.created_at) DESC,
                l.created_at DESC,
                l.sub_status DESC,
                l.status DESC,
                l.lulu_client DESC
        ) AS rn
    FROM lulu_data AS l
    INNER JOIN cand AS c ON l.order_id = c.order_id
),

rfi AS (
    SELECT
        r.reference_id,
        r.status,
        r.modified_at,
        r.created_at,
        ROW_NUMBER() OVER (
            PARTITION BY r.reference_id
            ORDER BY
                COALESCE(r.modified_at, r.created_at) DESC,
                r.rfi_id DESC,
                r.status DESC,
                r.created_at DESC
        ) AS rn
    FROM transfer_rfi AS r
    INNER JOIN cand AS c ON r.reference_id = c.order_id
),

manual AS (
    SELECT
        m.order_id,
        m.status,
        ROW_NUMBER() OVER (
            PARTITION BY m.order_id
            ORDER BY m.created_at DESC, m.status DESC
        ) AS rn
    FROM uae_manual_payments AS m
    INNER JOIN cand AS c ON m.order_id = c.order_id
),

chk AS (
    SELECT
        k.order_id,
        k.status,
        ROW_NUMBER() OVER (
            PARTITION BY k.order_id
            ORDER BY k.created_at DESC, k.status DESC
        ) AS rn
    FROM checkout_payment_data AS k
    INNER JOIN cand AS c ON k.order_id = c.order_id
),

trm AS (
    SELECT DISTINCT fg.order_id
    FROM fulfillments_goms AS fg
    INNER JOIN cand AS c ON fg.order_id = c.order_id
),

rda AS (
    SELECT
        rf.order_id,
        rf.status,
        ROW_NUMBER() OVER (
            PARTITION BY rf.order_id
            ORDER BY rf.created_at DESC, rf.status DESC
        ) AS rn
    FROM rda_fulfillments AS rf
    INNER JOIN ftv1 ON rf.order_id = ftv1.transaction_id
)

SELECT
    cand.order_id,
    cand.owner_id,
    cand.status,
    cand.sub_state,
    cand.currency,
    cand.send_amount,
    cand.receive_amount,
    cand.acquirer,
    cand.created_at,
    cand.updated_at,
    COALESCE(pay.paid, 0) AS paid,
    pay.payment_status AS payment,
    ftv1.transaction_id AS ftv_id,
    ftv1.status AS falcon,
    payout.status AS payout,
    payout.payout_partner AS partner,
    COALESCE(payout.attempts, 0) AS attempts,
    lulu.sub_status AS lulu,
    lulu.lulu_client,
    rfi.status AS rfi,
    COALESCE(rfi.modified_at, rfi.created_at) AS rfi_modified_at,
    manual.status AS uae_manual,
    chk.status AS checkout,
    CASE WHEN trm.order_id IS NULL THEN 0 ELSE 1 END AS trm,
    rda.status AS rda,
    GREATEST(
        COALESCE(cand.updated_at, cand.created_at),
        COALESCE(pay.updated_at, cand.created_at),
        COALESCE(ftv1.updated_at, cand.created_at),
        COALESCE(payout.updated_at, cand.created_at),
        COALESCE(lulu.updated_at, cand.created_at)
    ) AS last_activity_at
FROM cand
LEFT JOIN pay ON cand.order_id = pay.reference_id AND pay.rn = 1
LEFT JOIN ftv1 ON cand.order_id = ftv1.client_txn_id
LEFT JOIN payout ON ftv1.transaction_id = payout.transaction_id AND payout.rn = 1
LEFT JOIN lulu ON cand.order_id = lulu.order_id AND lulu.rn = 1
LEFT JOIN rfi ON cand.order_id = rfi.reference_id AND rfi.rn = 1
LEFT JOIN manual ON cand.order_id = manual.order_id AND manual.rn = 1
LEFT JOIN chk ON cand.order_id = chk.order_id AND chk.rn = 1
LEFT JOIN trm ON cand.order_id = trm.order_id
LEFT JOIN rda ON ftv1.transaction_id = rda.order_id AND rda.rn = 1
WHERE cand.status <> 'COMPLETED' OR ftv1.status = {{completed_falcon_status}}
ORDER BY cand.order_id
