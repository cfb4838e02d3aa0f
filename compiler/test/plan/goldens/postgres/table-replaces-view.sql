-- marts.orders: table
-- notice: replacing the view "marts.orders" with a table

-- step: build table into orders__strata_tmp_20260101_000000_ab12
create table "marts"."orders__strata_tmp_20260101_000000_ab12" as select 1 as id;

-- step: swap orders__strata_tmp_20260101_000000_ab12 into place (one transaction)
begin;
drop view "marts"."orders";
alter table "marts"."orders__strata_tmp_20260101_000000_ab12" rename to "orders";
commit;

-- cleanup (after a failure)
drop table if exists "marts"."orders__strata_tmp_20260101_000000_ab12";
