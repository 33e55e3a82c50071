-- Baseline for `bench/classify.mjs` (not product code): the older system's first step, a plain list
-- of candidate order ids for the same window and filters as shared/queries/stuck_candidates.sql.
-- $1 window start, $2 window end (UTC); {{…}} lists filled from config/ecm.yaml.
SELECT o.order_id
FROM orders_goms AS o
WHERE
    o.created_at >= CAST($1 AS TIMESTAMP)
    AND o.created_at < CAST($2 AS TIMESTAMP)
    AND o.meta_postscript_pricing_info_send_currency IN ({{currencies}})
    AND (
        (o.status IN ({{statuses}}) AND o.sub_state IN ({{sub_states}}))
        OR (
            o.status = 'COMPLETED'
            AND o.order_id IN (
                SELECT ff.client_txn_id
                FROM falcon_transactions_v2 AS ff
                WHERE ff.status = {{completed_falcon_status}}
            )
        )
    )
ORDER BY o.order_id
