-- Data freshness for `ecm-manager health`: the newest GOMS update the warehouse has loaded.
SELECT MAX(o.updated_at) AS newest_update
FROM orders_goms AS o
