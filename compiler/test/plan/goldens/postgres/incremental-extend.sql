-- ods.events: incremental

-- step: build new rows into events__strata_tmp_20260101_000000_ab12
create unlogged table "ods"."events__strata_tmp_20260101_000000_ab12" as select event_id, kind, at from staging.events where at > (select max(at) from ods.events);

-- step: merge new rows into events (one transaction)
begin;
do $strata1$
declare
  col record;
  column_list text;
  conflict_action text;
begin
  for col in select a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a where a.attrelid = '"ods"."events__strata_tmp_20260101_000000_ab12"'::regclass and a.attnum > 0 and not a.attisdropped and not exists (select 1 from pg_attribute o where o.attrelid = '"ods"."events"'::regclass and o.attname = a.attname and o.attnum > 0 and not o.attisdropped) order by a.attnum loop
    execute format('alter table %s add column %I %s', '"ods"."events"', col.name, col.type);
  end loop;
  select string_agg(quote_ident(a.attname), ', ' order by a.attnum),
         coalesce('update set ' || string_agg(format('%1$I = excluded.%1$I', a.attname), ', ' order by a.attnum) filter (where a.attname::text <> all (array['event_id']::text[])), 'nothing')
    into column_list, conflict_action
    from pg_attribute a where a.attrelid = '"ods"."events__strata_tmp_20260101_000000_ab12"'::regclass and a.attnum > 0 and not a.attisdropped;
  execute format('lock table "ods"."events" in share row exclusive mode', column_list, conflict_action);
  execute format('do $strata$
begin
  insert into "ods"."events" (%1$s)
  select %1$s from (select * from "ods"."events__strata_tmp_20260101_000000_ab12" where ("event_id" is not null and "event_id" > (select "event_id" from "ods"."events" where "event_id" is not null order by "event_id" desc limit 1)) is not true) as incoming
  on conflict ("event_id") do %2$s;
  insert into "ods"."events" (%1$s)
  select %1$s from (select * from "ods"."events__strata_tmp_20260101_000000_ab12" where "event_id" is not null and "event_id" > (select "event_id" from "ods"."events" where "event_id" is not null order by "event_id" desc limit 1)) as incoming;
exception when unique_violation or cardinality_violation then
  insert into "ods"."events" (%1$s)
  select %1$s from (select distinct on ("event_id") * from "ods"."events__strata_tmp_20260101_000000_ab12" where ("event_id" is not null and "event_id" > (select "event_id" from "ods"."events" where "event_id" is not null order by "event_id" desc limit 1)) is not true order by "event_id", ctid desc) as incoming
  on conflict ("event_id") do %2$s;
  insert into "ods"."events" (%1$s)
  select %1$s from (select distinct on ("event_id") * from "ods"."events__strata_tmp_20260101_000000_ab12" where "event_id" is not null and "event_id" > (select "event_id" from "ods"."events" where "event_id" is not null order by "event_id" desc limit 1) order by "event_id", ctid desc) as incoming;
end
$strata$', column_list, conflict_action);
end
$strata1$;
drop table "ods"."events__strata_tmp_20260101_000000_ab12";
commit;

-- cleanup (after a failure)
drop table if exists "ods"."events__strata_tmp_20260101_000000_ab12";
