-- strata_assertions.orders_inc_assertions_uniqueKey_0 (assertion)
-- create Glue database strata_assertions
create database if not exists `strata_assertions`;
-- create or replace the assertion view
create or replace view "strata_assertions"."orders_inc_assertions_uniquekey_0" as
select order_id, count(*) as n from "marts"."orders_inc" group by order_id having count(*) > 1;
-- count failing rows
select count(*) as failing_rows from "strata_assertions"."orders_inc_assertions_uniquekey_0";
-- sample
select * from "strata_assertions"."orders_inc_assertions_uniquekey_0" limit 5;
