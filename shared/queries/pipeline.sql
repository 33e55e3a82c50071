-- Today's pipeline: orders created in the last min_age_hours that are not finished yet.
-- They are not candidates yet (too young) but show what tomorrow's backlog may hold.
-- $1 = T - min_age_hours, $2 = T.
SELECT
    o.meta_postscript_pricing_info_send_currency AS currency,
    COUNT(*) AS orders,
    SUM(o.meta_postscript_pricing_info_send_amount) AS send_amount
FROM orders_goms AS o
WHERE o.created_at >= $1
  AND o.created_at < $2
  AND o.status IN ({{statuses}})
  AND o.meta_postscript_pricing_info_send_currency IN ({{currencies}})
GROUP BY o.meta_postscript_pricing_info_send_currency
