-- marts.orders: table

-- step: create schema marts
create schema if not exists "marts";

-- step: build table into orders__strata_tmp_20260101_000000_ab12
set work_mem = '64MB';
create table "marts"."orders__strata_tmp_20260101_000000_ab12" as select order_id, customer_id, amount from staging.orders;
create unique index "orders_order_id_key__strata_tmp_20260101_000000_ab12" on "marts"."orders__strata_tmp_20260101_000000_ab12" ("order_id") nulls not distinct;
create index "orders_customer_id_idx__strata_tmp_20260101_000000_ab12" on "marts"."orders__strata_tmp_20260101_000000_ab12" ("customer_id");

-- step: publish orders__strata_tmp_20260101_000000_ab12 as orders (one transaction)
begin;
alter table "marts"."orders__strata_tmp_20260101_000000_ab12" rename to "orders";
alter index "marts"."orders_order_id_key__strata_tmp_20260101_000000_ab12" rename to "orders_order_id_key";
alter index "marts"."orders_customer_id_idx__strata_tmp_20260101_000000_ab12" rename to "orders_customer_id_idx";
grant select on "marts"."orders" to "bi_reader";
comment on table "marts"."orders" is 'Orders, one row each';
comment on column "marts"."orders"."amount" is 'Gross amount, it''s in EUR';
commit;

-- step: post_operations
analyze marts.orders;

-- cleanup (after a failure)
drop table if exists "marts"."orders__strata_tmp_20260101_000000_ab12";
