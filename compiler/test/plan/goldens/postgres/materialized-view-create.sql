-- reporting.customer_totals: materialized_view

-- step: create materialized view customer_totals (one transaction)
begin;
create materialized view "reporting"."customer_totals" as select customer_id, sum(amount) as total from marts.orders group by customer_id
with data;
create unique index "customer_totals_customer_id_key" on "reporting"."customer_totals" ("customer_id") nulls not distinct;
grant select on "reporting"."customer_totals" to "bi_reader";
comment on materialized view "reporting"."customer_totals" is 'Totals
strata:hash=2d44eb7f4b3e0997';
commit;
