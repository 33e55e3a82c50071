-- ecm-gateway: a SELECT-only role for warehouse_query (ECM_WAREHOUSE_QUERY_URL), schema public.
-- Only these tables: checkout_payment_data, falcon_transactions_v2, fulfillments_goms, lulu_data, orders_goms, payments_goms, rda_fulfillments, transaction_payout, transfer_rfi, uae_manual_payments; never customers, never a personal-data column.
-- Run as the owner of the tables, then give the role a password: ALTER ROLE … PASSWORD …;
-- On Redshift use CREATE USER … PASSWORD … instead of CREATE ROLE, and drop the ALTER ROLE … SET lines it does not know.
CREATE ROLE "ecm_gateway_reader" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT;
ALTER ROLE "ecm_gateway_reader" SET default_transaction_read_only = on;
ALTER ROLE "ecm_gateway_reader" SET standard_conforming_strings = on;
ALTER ROLE "ecm_gateway_reader" SET statement_timeout = 30000;
ALTER ROLE "ecm_gateway_reader" SET lock_timeout = 5000;
ALTER ROLE "ecm_gateway_reader" SET idle_in_transaction_session_timeout = 40000;
REVOKE ALL ON ALL TABLES IN SCHEMA "public" FROM "ecm_gateway_reader";
REVOKE CREATE ON SCHEMA "public" FROM "ecm_gateway_reader";
GRANT USAGE ON SCHEMA "public" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."checkout_payment_data" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."falcon_transactions_v2" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."fulfillments_goms" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."lulu_data" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."orders_goms" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."payments_goms" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."rda_fulfillments" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."transaction_payout" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."transfer_rfi" TO "ecm_gateway_reader";
GRANT SELECT ON "public"."uae_manual_payments" TO "ecm_gateway_reader";
