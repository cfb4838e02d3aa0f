-- marts.customer_view (view)
-- create Glue database marts
create database if not exists `marts`;
-- pre_operations
select 1;
-- create or replace the view
create or replace view "marts"."customer_view" as
select customer_id, sum(amount) as revenue
from "ods"."orders"
group by customer_id;

-- marts.customer_view (view)
-- notice: marts.customer_view was a table and is replaced by a view
-- pre_operations
select 1;
-- drop the table the view replaces
drop table if exists `marts`.`customer_view`;
-- create or replace the view
create or replace view "marts"."customer_view" as
select customer_id, sum(amount) as revenue
from "ods"."orders"
group by customer_id;
