select n.nspname as schema, c.relname as name,
       case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' else 'table' end as kind
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = any(array['marts', 'ods']::text[])
   and c.relkind in ('r', 'p', 'v', 'm')
   and (c.relname like '%\_\_strata\_tmp\_%' or c.relname like '%\_\_strata\_old\_%')
 order by 1, 2;
drop table if exists "marts"."orders__strata_tmp_20250101_000000_ffff";
drop materialized view if exists "reporting"."totals__strata_tmp_20250101_000000_ffff";
