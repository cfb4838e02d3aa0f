-- marts.vacuum_orders: operations

-- step: operations
vacuum analyze marts.orders;
create index concurrently if not exists orders_at on marts.orders (at);
