-- marts.daily_sales_mv (materialized_view)
-- notice: Athena has no materialized views: marts.daily_sales_mv is built as an Iceberg table, rebuilt on every run
-- create Glue database marts
create database if not exists `marts`;
-- build into temp Iceberg table daily_sales_mv__strata_tmp_20261121t2200z_ab12 at s3://lake/strata/marts/daily_sales_mv/20261121t2200z_ab12/
create table "marts"."daily_sales_mv__strata_tmp_20261121t2200z_ab12"
with (
  table_type = 'ICEBERG',
  is_external = false,
  location = 's3://lake/strata/marts/daily_sales_mv/20261121t2200z_ab12/',
  format = 'PARQUET'
)
as
select customer_id, sum(amount) as revenue
from "ods"."orders"
group by customer_id;
-- publish the new table by rename
alter table `marts`.`daily_sales_mv__strata_tmp_20261121t2200z_ab12` rename to `marts`.`daily_sales_mv`;
-- cleanup on failure
drop table if exists `marts`.`daily_sales_mv__strata_tmp_20261121t2200z_ab12`;

-- marts.daily_sales_mv (materialized_view)
-- notice: Athena has no materialized views: marts.daily_sales_mv is built as an Iceberg table, rebuilt on every run
-- build into temp Iceberg table daily_sales_mv__strata_tmp_20261121t2200z_ab12 at s3://lake/strata/marts/daily_sales_mv/20261121t2200z_ab12/
create table "marts"."daily_sales_mv__strata_tmp_20261121t2200z_ab12"
with (
  table_type = 'ICEBERG',
  is_external = false,
  location = 's3://lake/strata/marts/daily_sales_mv/20261121t2200z_ab12/',
  format = 'PARQUET'
)
as
select customer_id, sum(amount) as revenue
from "ods"."orders"
group by customer_id;
-- swap the new table in by rename; drop the old one and its data
drop view if exists "marts"."daily_sales_mv";
alter table `marts`.`daily_sales_mv__strata_tmp_20261121t2200z_ab12` rename to `marts`.`daily_sales_mv`;
-- cleanup on failure
drop table if exists `marts`.`daily_sales_mv__strata_tmp_20261121t2200z_ab12`;
