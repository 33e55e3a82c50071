-- The warehouse tables ECM reads (domain reference §2), for the embedded demo warehouse and for
-- seeding a PostgreSQL test warehouse. Production names and types, so the same queries run on
-- Amazon Redshift. Indexes stand in for Redshift's sort keys.

CREATE TABLE IF NOT EXISTS orders_goms (
  order_id VARCHAR(64) PRIMARY KEY,
  owner_id VARCHAR(64) NOT NULL,
  status VARCHAR(64),
  sub_state VARCHAR(64),
  meta_postscript_pricing_info_send_currency VARCHAR(8),
  meta_postscript_pricing_info_send_amount NUMERIC(18,2),
  meta_postscript_pricing_info_receive_amount NUMERIC(18,2),
  meta_postscript_acquirer VARCHAR(32),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS orders_goms_status ON orders_goms (status, sub_state, created_at);
CREATE INDEX IF NOT EXISTS orders_goms_created_at ON orders_goms (created_at);

CREATE TABLE IF NOT EXISTS payments_goms (
  payment_id VARCHAR(64) PRIMARY KEY,
  reference_id VARCHAR(64) NOT NULL,
  payment_status VARCHAR(32),
  amount NUMERIC(18,2),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS payments_goms_reference_id ON payments_goms (reference_id);

CREATE TABLE IF NOT EXISTS falcon_transactions_v2 (
  transaction_id VARCHAR(64) PRIMARY KEY,
  client_txn_id VARCHAR(64) NOT NULL,
  status VARCHAR(32),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS falcon_transactions_v2_client_txn_id ON falcon_transactions_v2 (client_txn_id);
CREATE INDEX IF NOT EXISTS falcon_transactions_v2_status ON falcon_transactions_v2 (status);

CREATE TABLE IF NOT EXISTS transaction_payout (
  payout_id VARCHAR(64) PRIMARY KEY,
  transaction_id VARCHAR(64) NOT NULL,
  status VARCHAR(48),
  payout_partner VARCHAR(64),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS transaction_payout_transaction_id ON transaction_payout (transaction_id);

CREATE TABLE IF NOT EXISTS lulu_data (
  order_id VARCHAR(64) PRIMARY KEY,
  status VARCHAR(32),
  sub_status VARCHAR(48),
  lulu_client VARCHAR(32),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS transfer_rfi (
  rfi_id VARCHAR(64) PRIMARY KEY,
  reference_id VARCHAR(64) NOT NULL,
  status VARCHAR(32),
  rfitype VARCHAR(48),
  created_at TIMESTAMP NOT NULL,
  modified_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS transfer_rfi_reference_id ON transfer_rfi (reference_id);

CREATE TABLE IF NOT EXISTS uae_manual_payments (
  order_id VARCHAR(64) PRIMARY KEY,
  status VARCHAR(32),
  created_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS checkout_payment_data (
  order_id VARCHAR(64) PRIMARY KEY,
  status VARCHAR(32),
  created_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS fulfillments_goms (
  order_id VARCHAR(64) PRIMARY KEY,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS rda_fulfillments (
  order_id VARCHAR(64) PRIMARY KEY,
  status VARCHAR(32),
  created_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS customers (
  owner_id VARCHAR(64) PRIMARY KEY,
  full_name VARCHAR(128),
  email VARCHAR(128),
  phone VARCHAR(32)
);
