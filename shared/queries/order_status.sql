-- The current GOMS status of the orders that hold tickets (self-healing check).
-- The IN list below expands to $1, $2, … — one statement for all tickets.
SELECT
    o.order_id,
    o.status,
    o.sub_state,
    o.updated_at
FROM orders_goms AS o
WHERE o.order_id IN ({{order_ids}})
