-- reporting.customer_totals: materialized_view
-- notice: materialized view "reporting.customer_totals" rebuilt because its definition changed

-- step: build materialized view into customer_totals__strata_tmp_20260101_000000_ab12
create materialized view "reporting"."customer_totals__strata_tmp_20260101_000000_ab12" as select customer_id, sum(amount) as total, count(*) as orders from marts.orders group by 1
with data;
create unique index "customer_totals_custo_31d6f212__strata_tmp_20260101_000000_ab12" on "reporting"."customer_totals__strata_tmp_20260101_000000_ab12" ("customer_id") nulls not distinct;

-- step: swap customer_totals__strata_tmp_20260101_000000_ab12 into place (one transaction)
begin;
drop view "reporting"."top_customers";
drop materialized view "reporting"."customer_totals";
alter materialized view "reporting"."customer_totals__strata_tmp_20260101_000000_ab12" rename to "customer_totals";
alter index "reporting"."customer_totals_custo_31d6f212__strata_tmp_20260101_000000_ab12" rename to "customer_totals_customer_id_key";
grant select on "reporting"."customer_totals" to "bi_reader";
comment on materialized view "reporting"."customer_totals" is 'Totals
strata:hash=c13522d6a6f633a6';
create view "reporting"."top_customers" as SELECT customer_id FROM reporting.customer_totals ORDER BY total DESC LIMIT 10;
commit;

-- cleanup (after a failure)
drop materialized view if exists "reporting"."customer_totals__strata_tmp_20260101_000000_ab12";
