-- strata_assertions.orders_assertions_uniqueKey: assertion

-- step: create schema strata_assertions
create schema if not exists "strata_assertions";

-- step: create view orders_assertions_uniqueKey (one transaction)
begin;
create view "strata_assertions"."orders_assertions_uniqueKey" as select order_id from marts.orders group by 1 having count(*) > 1;
commit;

-- check: count
select count(*) as failing_rows from "strata_assertions"."orders_assertions_uniqueKey";
-- check: sample
select * from "strata_assertions"."orders_assertions_uniqueKey" limit 5;
