-- ods.events: incremental
-- notice: creating a unique index on (event_id) of "ods.events": merge needs one

-- step: build new rows into events__strata_tmp_20260101_000000_ab12
create unlogged table "ods"."events__strata_tmp_20260101_000000_ab12" as select event_id, kind, at from staging.events where at > (select max(at) from ods.events);

-- step: merge new rows into events (one transaction)
begin;
create unique index if not exists "events_event_id_key" on "ods"."events" ("event_id") nulls not distinct;
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
  if added is not null or missing is not null or retyped is not null then
    raise exception 'incremental table "ods.events": the query''s columns differ from the table''s (new: %; missing: %; changed type: %). Set onSchemaChange: "extend" to add new columns, or rebuild it with --full-refresh',
      coalesce(added, 'none'), coalesce(missing, 'none'), coalesce(retyped, 'none');
  end if;
end
$strata$;
lock table "ods"."events" in share row exclusive mode;
do $strata$
begin
  insert into "ods"."events" ("event_id", "kind", "at")
  select "event_id", "kind", "at" from (select * from "ods"."events__strata_tmp_20260101_000000_ab12" where ("event_id" is not null and "event_id" > (select "event_id" from "ods"."events" where "event_id" is not null order by "event_id" desc limit 1)) is not true) as incoming
  on conflict ("event_id") do update set "kind" = excluded."kind", "at" = excluded."at";
  insert into "ods"."events" ("event_id", "kind", "at")
  select "event_id", "kind", "at" from (select * from "ods"."events__strata_tmp_20260101_000000_ab12" where "event_id" is not null and "event_id" > (select "event_id" from "ods"."events" where "event_id" is not null order by "event_id" desc limit 1)) as incoming;
exception when unique_violation or cardinality_violation then
  insert into "ods"."events" ("event_id", "kind", "at")
  select "event_id", "kind", "at" from (select distinct on ("event_id") * from "ods"."events__strata_tmp_20260101_000000_ab12" where ("event_id" is not null and "event_id" > (select "event_id" from "ods"."events" where "event_id" is not null order by "event_id" desc limit 1)) is not true order by "event_id", ctid desc) as incoming
  on conflict ("event_id") do update set "kind" = excluded."kind", "at" = excluded."at";
  insert into "ods"."events" ("event_id", "kind", "at")
  select "event_id", "kind", "at" from (select distinct on ("event_id") * from "ods"."events__strata_tmp_20260101_000000_ab12" where "event_id" is not null and "event_id" > (select "event_id" from "ods"."events" where "event_id" is not null order by "event_id" desc limit 1) order by "event_id", ctid desc) as incoming;
end
$strata$;
drop table "ods"."events__strata_tmp_20260101_000000_ab12";
commit;

-- cleanup (after a failure)
drop table if exists "ods"."events__strata_tmp_20260101_000000_ab12";
