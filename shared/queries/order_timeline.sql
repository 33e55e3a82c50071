-- Everything the warehouse holds about one order, for the order-details view (domain reference §2
-- and §14): the GOMS order with its customer, and one row per record in every other system.
--
-- Parameters (bound, never interpolated):
--   $1  the GOMS order_id
-- An unknown order returns no rows. An order with no record in any other system returns one row
-- whose record_* columns are null. The customer's name, email and phone are returned as stored;
-- the caller masks them unless a person asked to see them.
-- Runs unchanged on Amazon Redshift and PostgreSQL: no GETDATE/now(), no DATEDIFF, no FILTER, no
-- correlated subqueries. Each system is reached through the order's key (or its Falcon
-- transaction id), so the statement reads a handful of rows through the tables' indexes.
WITH ord AS (
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
        c.full_name,
        c.email,
        c.phone
    FROM orders_goms AS o
    LEFT JOIN customers AS c ON o.owner_id = c.owner_id
    WHERE o.order_id = CAST($1 AS VARCHAR)
),

ftv AS (
    SELECT
        f.transaction_id,
        f.status,
        f.created_at,
        f.updated_at
    FROM falcon_transactions_v2 AS f
    INNER JOIN ord ON f.client_txn_id = ord.order_id
),

records AS (
    SELECT
        'payment' AS source_system,
        p.payment_id AS record_id,
        p.payment_status AS status,
        CAST(NULL AS VARCHAR) AS sub_status,
        CAST(NULL AS VARCHAR) AS detail,
        p.amount,
        p.created_at,
        p.updated_at
    FROM payments_goms AS p
    INNER JOIN ord ON p.reference_id = ord.order_id

    UNION ALL

    SELECT
        'falcon' AS source_system,
        ftv.transaction_id AS record_id,
        ftv.status,
        NULL AS sub_status,
        NULL AS detail,
        NULL AS amount,
        ftv.created_at,
        ftv.updated_at
    FROM ftv

    UNION ALL

    SELECT
        'payout' AS source_system,
        tp.payout_id AS record_id,
        tp.status,
        NULL AS sub_status,
        tp.payout_partner AS detail,
        NULL AS amount,
        tp.created_at,
        tp.updated_at
    FROM transaction_payout AS tp
    INNER JOIN ftv ON tp.transaction_id = ftv.transaction_id

    UNION ALL

    SELECT
        'rda' AS source_system,
        rf.order_id AS record_id,
        rf.status,
        NULL AS sub_status,
        NULL AS detail,
        NULL AS amount,
        rf.created_at,
        CAST(NULL AS TIMESTAMP) AS updated_at
    FROM rda_fulfillments AS rf
    INNER JOIN ftv ON rf.order_id = ftv.transaction_id

    UNION ALL

    SELECT
        'lulu' AS source_system,
        l.order_id AS record_id,
        l.status,
        l.sub_status,
        l.lulu_client AS detail,
        NULL AS amount,
        l.created_at,
        l.updated_at
    FROM lulu_data AS l
    INNER JOIN ord ON l.order_id = ord.order_id

    UNION ALL

    SELECT
        'rfi' AS source_system,
        r.rfi_id AS record_id,
        r.status,
        NULL AS sub_status,
        r.rfitype AS detail,
        NULL AS amount,
        r.created_at,
        r.modified_at AS updated_at
    FROM transfer_rfi AS r
    INNER JOIN ord ON r.reference_id = ord.order_id

    UNION ALL

    SELECT
        'trm' AS source_system,
        fg.order_id AS record_id,
        NULL AS status,
        NULL AS sub_status,
        NULL AS detail,
        NULL AS amount,
        fg.created_at,
        fg.updated_at
    FROM fulfillments_goms AS fg
    INNER JOIN ord ON fg.order_id = ord.order_id

    UNION ALL

    SELECT
        'uae_manual' AS source_system,
        m.order_id AS record_id,
        m.status,
        NULL AS sub_status,
        NULL AS detail,
        NULL AS amount,
        m.created_at,
        CAST(NULL AS TIMESTAMP) AS updated_at
    FROM uae_manual_payments AS m
    INNER JOIN ord ON m.order_id = ord.order_id

    UNION ALL

    SELECT
        'checkout' AS source_system,
        k.order_id AS record_id,
        k.status,
        NULL AS sub_status,
        NULL AS detail,
        NULL AS amount,
        k.created_at,
        CAST(NULL AS TIMESTAMP) AS updated_at
    FROM checkout_payment_data AS k
    INNER JOIN ord ON k.order_id = ord.order_id
)

SELECT
    ord.order_id,
    ord.owner_id,
    ord.status,
    ord.sub_state,
    ord.currency,
    ord.send_amount,
    ord.receive_amount,
    ord.acquirer,
    ord.created_at,
    ord.updated_at,
    ord.full_name,
    ord.email,
    ord.phone,
    records.source_system AS record_system,
    records.record_id,
    records.status AS record_status,
    records.sub_status AS record_sub_status,
    records.detail AS record_detail,
    records.amount AS record_amount,
    records.created_at AS record_created_at,
    records.updated_at AS record_updated_at
FROM ord
LEFT JOIN records ON 1 = 1
ORDER BY records.created_at, records.source_system, records.record_id
