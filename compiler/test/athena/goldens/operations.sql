-- ods.grants (operations)
-- run the operations
create database if not exists `ods`;
select 1 as ok;
