-- Baseline for `bench/classify.mjs` (not product code): the older system's second step, a detail
-- query for a handful of orders at a time ($1 = up to 10 order ids), each order's latest row from
-- every joined table. Returns the same columns as shared/queries/stuck_candidates.sql so both ways
-- can be checked to classify identically.
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
    o.updated_at,
    COALESCE(pd.paid, 0) AS paid,
    pl.payment_status AS payment,
    f.transaction_id AS ftv_id,
    f.status AS falcon,
    tp.status AS payout,
    tp.payout_partner AS partner,
    COALESCE(tpc.attempts, 0) AS attempts,
    l.sub_status AS lulu,
    l.lulu_client,
    r.status AS rfi,
    COALESCE(r.modified_at, r.created_at) AS rfi_modified_at,
    m.status AS uae_manual,
    k.status AS checkout,
    CASE WHEN fg.order_id IS NULL THEN 0 ELSE 1 END AS trm,
    rd.status AS rda,
    GREATEST(
        COALESCE(o.updated_at, o.created_at),
        COALESCE(pl.updated_at, o.created_at),
        COALESCE(f.updated_at, o.created_at),
        COALESCE(tp.updated_at, o.created_at),
        COALESCE(l.updated_at, o.created_at)
    ) AS last_activity_at
FROM orders_goms AS o
LEFT JOIN LATERAL (
    SELECT p.payment_status, p.updated_at
    FROM payments_goms AS p
    WHERE p.reference_id = o.order_id
    ORDER BY COALESCE(p.updated_at, p.created_at) DESC, p.payment_id DESC
    LIMIT 1
) AS pl ON TRUE
LEFT JOIN LATERAL (
    SELECT MAX(CASE WHEN p.payment_status = 'COMPLETED' THEN 1 ELSE 0 END) AS paid
    FROM payments_goms AS p
    WHERE p.reference_id = o.order_id
) AS pd ON TRUE
LEFT JOIN LATERAL (
    SELECT ft.transaction_id, ft.status, ft.updated_at
    FROM falcon_transactions_v2 AS ft
    WHERE ft.client_txn_id = o.order_id
    ORDER BY COALESCE(ft.updated_at, ft.created_at) DESC, ft.transaction_id DESC
    LIMIT 1
) AS f ON TRUE
LEFT JOIN LATERAL (
    SELECT t.status, t.payout_partner, t.updated_at
    FROM transaction_payout AS t
    WHERE t.transaction_id = f.transaction_id
    ORDER BY COALESCE(t.updated_at, t.created_at) DESC, t.payout_id DESC
    LIMIT 1
) AS tp ON TRUE
LEFT JOIN LATERAL (
    SELECT COUNT(*) AS attempts
    FROM transaction_payout AS t
    WHERE t.transaction_id = f.transaction_id
) AS tpc ON TRUE
LEFT JOIN lulu_data AS l ON l.order_id = o.order_id
LEFT JOIN LATERAL (
    SELECT x.status, x.modified_at, x.created_at
    FROM transfer_rfi AS x
    WHERE x.reference_id = o.order_id
    ORDER BY COALESCE(x.modified_at, x.created_at) DESC, x.rfi_id DESC
    LIMIT 1
) AS r ON TRUE
LEFT JOIN uae_manual_payments AS m ON m.order_id = o.order_id
LEFT JOIN checkout_payment_data AS k ON k.order_id = o.order_id
LEFT JOIN fulfillments_goms AS fg ON fg.order_id = o.order_id
LEFT JOIN rda_fulfillments AS rd ON rd.order_id = f.transaction_id
WHERE
    o.order_id = ANY(CAST($1 AS VARCHAR[]))
    AND (o.status <> 'COMPLETED' OR f.status = {{completed_falcon_status}})
ORDER BY o.order_id
