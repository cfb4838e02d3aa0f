-- marts.orders_inc (incremental)
-- create Glue database marts
create database if not exists `marts`;
-- build into temp Iceberg table orders_inc__strata_tmp_20261121t2200z_ab12 at s3://lake/strata/marts/orders_inc/20261121t2200z_ab12/
create table "marts"."orders_inc__strata_tmp_20261121t2200z_ab12"
with (
  table_type = 'ICEBERG',
  is_external = false,
  location = 's3://lake/strata/marts/orders_inc/20261121t2200z_ab12/',
  format = 'PARQUET'
)
as
select order_id, customer_id, amount, updated_at from "staging"."orders";
-- publish the new table by rename
alter table `marts`.`orders_inc__strata_tmp_20261121t2200z_ab12` rename to `marts`.`orders_inc`;
-- cleanup on failure
drop table if exists `marts`.`orders_inc__strata_tmp_20261121t2200z_ab12`;

-- marts.orders_inc (incremental)
-- merge the new rows on order_id
merge into "marts"."orders_inc" as dest
using (
select order_id, customer_id, amount, updated_at from "staging"."orders"
where updated_at > (select max(updated_at) from "marts"."orders_inc")
) as src
on dest."order_id" = src."order_id"
when matched then update set "customer_id" = src."customer_id", "amount" = src."amount", "updated_at" = src."updated_at"
when not matched then insert ("order_id", "customer_id", "amount", "updated_at") values (src."order_id", src."customer_id", src."amount", src."updated_at");

-- marts.orders_inc (incremental)
-- append the new rows
insert into "marts"."orders_inc" ("order_id", "customer_id", "amount", "updated_at")
select "order_id", "customer_id", "amount", "updated_at"
from (
select order_id, customer_id, amount, updated_at from "staging"."orders"
where updated_at > (select max(updated_at) from "marts"."orders_inc")
) as src;

-- marts.orders_inc (incremental)
-- stage the new rows in orders_inc__strata_tmp_20261121t2200z_ab12
create table "marts"."orders_inc__strata_tmp_20261121t2200z_ab12"
with (
  table_type = 'ICEBERG',
  is_external = false,
  location = 's3://lake/strata/marts/orders_inc__strata_tmp_20261121t2200z_ab12/20261121t2200z_ab12/',
  format = 'PARQUET'
)
as
select order_id, customer_id, amount, updated_at from "staging"."orders"
where updated_at > (select max(updated_at) from "marts"."orders_inc");
-- delete the rows being replaced, then insert (keys order_id)
delete from "marts"."orders_inc"
where "order_id" in (
select "order_id" from (
select * from "marts"."orders_inc__strata_tmp_20261121t2200z_ab12"
) as src
);
insert into "marts"."orders_inc" ("order_id", "customer_id", "amount", "updated_at")
select "order_id", "customer_id", "amount", "updated_at"
from (
select * from "marts"."orders_inc__strata_tmp_20261121t2200z_ab12"
) as src;
drop table `marts`.`orders_inc__strata_tmp_20261121t2200z_ab12`;
-- cleanup on failure
drop table if exists `marts`.`orders_inc__strata_tmp_20261121t2200z_ab12`;

-- marts.orders_inc (incremental)
-- build into temp Iceberg table orders_inc__strata_tmp_20261121t2200z_ab12 at s3://lake/strata/marts/orders_inc/20261121t2200z_ab12/
create table "marts"."orders_inc__strata_tmp_20261121t2200z_ab12"
with (
  table_type = 'ICEBERG',
  is_external = false,
  location = 's3://lake/strata/marts/orders_inc/20261121t2200z_ab12/',
  format = 'PARQUET'
)
as
select order_id, customer_id, amount, updated_at from "staging"."orders";
-- swap the new table in by rename; drop the old one and its data
alter table `marts`.`orders_inc` rename to `marts`.`orders_inc__strata_old_20261121t2200z_ab12`;
alter table `marts`.`orders_inc__strata_tmp_20261121t2200z_ab12` rename to `marts`.`orders_inc`;
drop table `marts`.`orders_inc__strata_old_20261121t2200z_ab12`;
-- cleanup on failure
alter table `marts`.`orders_inc__strata_old_20261121t2200z_ab12` rename to `marts`.`orders_inc`;
drop table if exists `marts`.`orders_inc__strata_tmp_20261121t2200z_ab12`;
