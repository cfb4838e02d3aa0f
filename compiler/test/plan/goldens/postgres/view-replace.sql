-- marts.big_orders: view

-- step: create or replace view big_orders (one transaction)
begin;
do $strata$
begin
  execute $sql$create or replace view "marts"."big_orders" as select order_id from marts.orders where amount > 100$sql$;
exception when invalid_table_definition then
  -- a column was removed, renamed or retyped: replace the view and the views built on it
  execute $sql$drop view "marts"."big_order_ids"$sql$;
  execute $sql$drop view "marts"."big_orders"$sql$;
  execute $sql$create view "marts"."big_orders" as select order_id from marts.orders where amount > 100$sql$;
  execute $sql$grant select on "marts"."big_orders" to "bi_reader"$sql$;
  execute $sql$create view "marts"."big_order_ids" as SELECT order_id FROM marts.big_orders$sql$;
end
$strata$;
commit;
