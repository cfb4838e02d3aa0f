-- marts.orders: table

-- step: build table into orders__strata_tmp_20260101_000000_ab12
create table "marts"."orders__strata_tmp_20260101_000000_ab12" as select order_id, customer_id, amount from staging.orders;
create unique index "orders_order_id_key__strata_tmp_20260101_000000_ab12" on "marts"."orders__strata_tmp_20260101_000000_ab12" ("order_id") nulls not distinct;
create index "orders_customer_id_idx__strata_tmp_20260101_000000_ab12" on "marts"."orders__strata_tmp_20260101_000000_ab12" ("customer_id");

-- step: swap orders__strata_tmp_20260101_000000_ab12 into place (one transaction)
begin;
drop materialized view "reporting"."customer_totals";
drop view "marts"."big_orders";
drop table "marts"."orders";
alter table "marts"."orders__strata_tmp_20260101_000000_ab12" rename to "orders";
alter index "marts"."orders_order_id_key__strata_tmp_20260101_000000_ab12" rename to "orders_order_id_key";
alter index "marts"."orders_customer_id_idx__strata_tmp_20260101_000000_ab12" rename to "orders_customer_id_idx";
grant select on "marts"."orders" to "bi_reader";
comment on table "marts"."orders" is 'Orders, one row each';
comment on column "marts"."orders"."amount" is 'Gross amount, it''s in EUR';
create view "marts"."big_orders" as SELECT order_id, amount FROM marts.orders WHERE amount > 100::numeric;
alter view "marts"."big_orders" owner to "analytics";
grant select on "marts"."big_orders" to "bi_reader";
comment on view "marts"."big_orders" is 'Orders over 100';
comment on column "marts"."big_orders"."amount" is 'Gross, in EUR';
create materialized view "reporting"."customer_totals" as SELECT customer_id, sum(amount) AS total FROM marts.orders GROUP BY customer_id
with data;
CREATE UNIQUE INDEX customer_totals_customer_id_key ON reporting.customer_totals USING btree (customer_id);
alter materialized view "reporting"."customer_totals" owner to "analytics";
comment on materialized view "reporting"."customer_totals" is 'Totals
strata:hash=0123456789abcdef';
commit;

-- cleanup (after a failure)
drop table if exists "marts"."orders__strata_tmp_20260101_000000_ab12";
