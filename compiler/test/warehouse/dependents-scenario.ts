// A table with the objects a rebuild must preserve: a dependent view, a view on that view, a
// dependent materialized view (unique index, Strata hash marker, grant), comments and grants.
// Shared by the PGlite and PostgreSQL tests: the introspection SQL must agree on both engines.
import { expect } from "vitest";
import type { Session, Warehouse } from "../../src/warehouse/warehouse";

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function createDependents(wh: Session, schema: string, reader: string): Promise<void> {
  await wh.execute(`
    create role ${reader} nologin;
    create schema ${schema};
    create table ${schema}.orders (id int not null, amount numeric(12,2), placed_at timestamptz);
    comment on table ${schema}.orders is 'One row per order';
    comment on column ${schema}.orders.amount is 'Gross, in EUR';
    grant select, insert on ${schema}.orders to ${reader};
    create unique index orders_id on ${schema}.orders (id);
    create view ${schema}.big_orders as select id, amount from ${schema}.orders where amount > 100;
    create view ${schema}.big_order_ids as select id from ${schema}.big_orders;
    grant select on ${schema}.big_orders to ${reader} with grant option;
    comment on view ${schema}.big_orders is 'Orders over 100';
    create materialized view ${schema}.order_totals as select count(*) as n, sum(amount) as total from ${schema}.orders;
    create unique index order_totals_n on ${schema}.order_totals (n);
    comment on materialized view ${schema}.order_totals is 'Totals
strata:hash=ab12cd';
    comment on column ${schema}.order_totals.total is 'Sum of amounts';
  `);
}

export async function dropDependents(wh: Session, schema: string, reader: string): Promise<void> {
  await wh.execute(`drop schema if exists ${schema} cascade; drop role if exists ${reader}`);
}

export async function expectDependentsRead(wh: Warehouse, schema: string, reader: string): Promise<void> {
  await wh.execute("set search_path = public, pg_catalog");
  const state = await wh.readState([
    { schema, name: "orders" },
    { schema, name: "order_totals" },
    { schema, name: "absent" },
  ]);
  expect(state.schemas.has(schema)).toBe(true);
  expect(state.schemas.has("public")).toBe(true);
  expect([...state.relations.keys()].sort()).toEqual([`${schema}.order_totals`, `${schema}.orders`]);

  const orders = state.relations.get(`${schema}.orders`)!;
  expect(orders.kind).toBe("table");
  expect(orders.comment).toBe("One row per order");
  expect(orders.columns).toEqual([
    { name: "id", type: "integer", nullable: false },
    { name: "amount", type: "numeric(12,2)", nullable: true },
    { name: "placed_at", type: "timestamp with time zone", nullable: true },
  ]);
  expect(orders.grants).toEqual([`grant insert, select on "${schema}"."orders" to "${reader}"`]);
  expect(orders.indexes).toEqual([`CREATE UNIQUE INDEX orders_id ON ${schema}.orders USING btree (id)`]);

  // Every dependent comes after what it reads: big_order_ids reads big_orders.
  const names = orders.dependents.map((d) => d.name);
  expect(names.sort()).toEqual(["big_order_ids", "big_orders", "order_totals"]);
  const order = orders.dependents.map((d) => d.name);
  expect(order.indexOf("big_orders")).toBeLessThan(order.indexOf("big_order_ids"));

  const big = orders.dependents.find((d) => d.name === "big_orders")!;
  expect(big).toMatchObject({ schema, kind: "view", comment: "Orders over 100", owner: expect.any(String), indexes: [] });
  expect(big.grants).toEqual([`grant select on "${schema}"."big_orders" to "${reader}" with grant option`]);
  // Schema-qualified, so it can be replayed whatever the search_path.
  expect(big.definition).toMatch(new RegExp(`FROM ${schema}\\.orders\\s+WHERE \\(?(orders\\.)?amount > 100`));
  expect(big.definition.trim().endsWith(";")).toBe(false);

  const ids = orders.dependents.find((d) => d.name === "big_order_ids")!;
  expect(ids.definition).toContain(`FROM ${schema}.big_orders`);

  const totals = orders.dependents.find((d) => d.name === "order_totals")!;
  expect(totals.kind).toBe("materialized_view");
  expect(totals.indexes).toEqual([`CREATE UNIQUE INDEX order_totals_n ON ${schema}.order_totals USING btree (n)`]);
  expect(totals.comment).toBe("Totals\nstrata:hash=ab12cd");
  expect(totals.columnComments).toEqual({ total: "Sum of amounts" });

  const mv = state.relations.get(`${schema}.order_totals`)!;
  expect(mv.kind).toBe("materialized_view");
  expect(mv.definitionHash).toBe("ab12cd");
  expect(mv.dependents).toEqual([]);
  expect(mv.indexes).toEqual([`CREATE UNIQUE INDEX order_totals_n ON ${schema}.order_totals USING btree (n)`]);

  // The session's search_path is back to what it was.
  const { rows } = await wh.withSession((s) => s.execute("show search_path"));
  expect(rows[0].search_path).toBe("public, pg_catalog");
  await wh.execute("reset search_path");
}
