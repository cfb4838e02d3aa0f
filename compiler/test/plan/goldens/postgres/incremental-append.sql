-- ods.events: incremental

-- step: build new rows into events__strata_tmp_20260101_000000_ab12
create unlogged table "ods"."events__strata_tmp_20260101_000000_ab12" as select event_id, kind, at from staging.events where at > (select max(at) from ods.events);

-- step: append new rows into events (one transaction)
begin;
do $strata$
declare
  added text;
  missing text;
  retyped text;
begin
  with incoming as (select attnum, attname::text as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = '"ods"."events__strata_tmp_20260101_000000_ab12"'::regclass and attnum > 0 and not attisdropped),
       existing as (select attnum, attname::text as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = '"ods"."events"'::regclass and attnum > 0 and not attisdropped)
  select string_agg(i.name, ', ' order by i.attnum) filter (where e.name is null),
         string_agg(e.name, ', ' order by e.attnum) filter (where i.name is null),
         string_agg(format('%s %s -> %s', i.name, e.type, i.type), ', ' order by i.attnum) filter (where i.type <> e.type)
    into added, missing, retyped
    from incoming i full join existing e on e.name = i.name;
  if missing is not null then
    raise exception 'incremental table "ods.events": the query no longer returns column(s) % of the table (onSchemaChange: ignore). Set onSchemaChange: "sync", or rebuild it with --full-refresh', missing;
  end if;
end
$strata$;
insert into "ods"."events" ("event_id", "kind", "at")
select "event_id", "kind", "at" from "ods"."events__strata_tmp_20260101_000000_ab12";
drop table "ods"."events__strata_tmp_20260101_000000_ab12";
commit;

-- cleanup (after a failure)
drop table if exists "ods"."events__strata_tmp_20260101_000000_ab12";
