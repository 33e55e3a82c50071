/** What each warehouse table means (domain reference §2), shown next to its columns. */
export const TABLE_MEANINGS: Readonly<Record<string, string>> = {
  orders_goms: 'GOMS orders, one row per order (order_id); status, sub_state, send currency/amount, acquirer, created_at/updated_at (UTC)',
  payments_goms: 'Payment attempts per order (reference_id = order_id); the latest COMPLETED one counts',
  falcon_transactions_v2: 'Falcon payout transactions (transaction_id = the FTV id; client_txn_id = order_id)',
  transaction_payout:
    'Payout attempts per Falcon transaction (transaction_id); the latest by coalesce(updated_at, created_at) counts, the row count is the attempt count',
  lulu_data: 'Lulu Exchange records for AED orders (order_id); sub_status is the Lulu status',
  transfer_rfi: 'Requests for information from the customer (reference_id = order_id); the latest by modified_at counts',
  uae_manual_payments: 'UAE manual bank transfer payments (order_id)',
  checkout_payment_data: 'Checkout card payments (order_id)',
  fulfillments_goms: 'A row means a TRM (compliance) review happened or is pending for the order',
  rda_fulfillments: 'RDA partner fulfilments; order_id here is the Falcon transaction_id, not the GOMS order id',
  customers: 'Customers (owner_id): full_name, email, phone — personal data, masked by default',
};
