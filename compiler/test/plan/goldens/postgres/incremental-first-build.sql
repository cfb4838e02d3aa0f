-- ods.events: incremental

-- step: build table into events__strata_tmp_20260101_000000_ab12
create table "ods"."events__strata_tmp_20260101_000000_ab12" as select event_id, kind, at from staging.events;
delete from "ods"."events__strata_tmp_20260101_000000_ab12" where ctid in (select ctid from (select ctid, row_number() over (partition by "event_id" order by ctid desc) as n from "ods"."events__strata_tmp_20260101_000000_ab12") as ranked where n > 1);
create unique index "events_event_id_key__strata_tmp_20260101_000000_ab12" on "ods"."events__strata_tmp_20260101_000000_ab12" ("event_id") nulls not distinct;

-- step: publish events__strata_tmp_20260101_000000_ab12 as events (one transaction)
begin;
alter table "ods"."events__strata_tmp_20260101_000000_ab12" rename to "events";
alter index "ods"."events_event_id_key__strata_tmp_20260101_000000_ab12" rename to "events_event_id_key";
commit;

-- cleanup (after a failure)
drop table if exists "ods"."events__strata_tmp_20260101_000000_ab12";
