-- reporting.customer_totals: materialized_view

-- step: refresh materialized view customer_totals
refresh materialized view "reporting"."customer_totals";

-- step: grants and comments (one transaction)
begin;
grant select on "reporting"."customer_totals" to "bi_reader";
commit;
