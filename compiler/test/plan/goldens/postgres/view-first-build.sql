-- marts.big_orders: view

-- step: create view big_orders (one transaction)
begin;
create view "marts"."big_orders" as select * from marts.orders where amount > 100;
comment on view "marts"."big_orders" is 'Big ones';
commit;
