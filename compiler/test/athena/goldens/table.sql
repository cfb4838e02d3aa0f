-- marts.customer_revenue (table)
-- create Glue database marts
create database if not exists `marts`;
-- build into temp Iceberg table customer_revenue__strata_tmp_20261121t2200z_ab12 at s3://lake/strata/marts/customer_revenue/20261121t2200z_ab12/
create table "marts"."customer_revenue__strata_tmp_20261121t2200z_ab12"
with (
  table_type = 'ICEBERG',
  is_external = false,
  location = 's3://lake/strata/marts/customer_revenue/20261121t2200z_ab12/',
  format = 'PARQUET',
  write_compression = 'ZSTD',
  partitioning = ARRAY['customer_id', 'bucket(8, customer_id)'],
  vacuum_max_snapshot_age_seconds = 86400
)
as
select customer_id, sum(amount) as revenue
from "ods"."orders"
group by customer_id;
-- publish the new table by rename
alter table `marts`.`customer_revenue__strata_tmp_20261121t2200z_ab12` rename to `marts`.`customer_revenue`;
-- cleanup on failure
drop table if exists `marts`.`customer_revenue__strata_tmp_20261121t2200z_ab12`;

-- marts.customer_revenue (table)
-- build into temp Iceberg table customer_revenue__strata_tmp_20261121t2200z_ab12 at s3://lake/strata/marts/customer_revenue/20261121t2200z_ab12/
create table "marts"."customer_revenue__strata_tmp_20261121t2200z_ab12"
with (
  table_type = 'ICEBERG',
  is_external = false,
  location = 's3://lake/strata/marts/customer_revenue/20261121t2200z_ab12/',
  format = 'PARQUET',
  write_compression = 'ZSTD',
  partitioning = ARRAY['customer_id', 'bucket(8, customer_id)'],
  vacuum_max_snapshot_age_seconds = 86400
)
as
select customer_id, sum(amount) as revenue
from "ods"."orders"
group by customer_id;
-- swap the new table in by rename; drop the old one and its data
alter table `marts`.`customer_revenue` rename to `marts`.`customer_revenue__strata_old_20261121t2200z_ab12`;
alter table `marts`.`customer_revenue__strata_tmp_20261121t2200z_ab12` rename to `marts`.`customer_revenue`;
drop table `marts`.`customer_revenue__strata_old_20261121t2200z_ab12`;
-- cleanup on failure
alter table `marts`.`customer_revenue__strata_old_20261121t2200z_ab12` rename to `marts`.`customer_revenue`;
drop table if exists `marts`.`customer_revenue__strata_tmp_20261121t2200z_ab12`;
