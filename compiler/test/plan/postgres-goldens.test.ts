// Golden SQL of every PostgreSQL materialization. UPDATE_GOLDENS=1 rewrites the files; review
// the diff like code.
import { describe, it } from "vitest";
import { planPostgres } from "../../src/plan/postgres";
import { dropLeftoversStatements, findLeftoversSql } from "../../src/plan/postgres/leftovers";
import type { Operation } from "../../src/graph/types";
import { assertion, dependent, expectGolden, incremental, options, relationInfo, renderPlan, state, table, view } from "./fixtures";

const orders = { schema: "marts", name: "orders" };
const ordersColumns = [
  { name: "order_id", type: "integer", nullable: false },
  { name: "customer_id", type: "integer", nullable: true },
  { name: "amount", type: "numeric(12,2)", nullable: true },
];

/** A table with a view on it, a view on that view, and a materialized view with an index. */
const ordersWithDependents = relationInfo({
  ...orders,
  kind: "table",
  columns: ordersColumns,
  comment: "One row per order",
  grants: ['grant select on "marts"."orders" to "bi_reader"'],
  dependents: [
    dependent({
      schema: "marts",
      name: "big_orders",
      kind: "view",
      definition: " SELECT order_id, amount FROM marts.orders WHERE amount > 100::numeric;",
      grants: ['grant select on "marts"."big_orders" to "bi_reader"'],
      comment: "Orders over 100",
      columnComments: { amount: "Gross, in EUR" },
      owner: "analytics",
    }),
    dependent({
      schema: "reporting",
      name: "customer_totals",
      kind: "materialized_view",
      definition: " SELECT customer_id, sum(amount) AS total FROM marts.orders GROUP BY customer_id",
      indexes: ["CREATE UNIQUE INDEX customer_totals_customer_id_key ON reporting.customer_totals USING btree (customer_id)"],
      comment: "Totals\nstrata:hash=0123456789abcdef",
      owner: "analytics",
    }),
  ],
});

const ordersAction = (fields = {}) =>
  table(orders, {
    query: "select order_id, customer_id, amount from staging.orders",
    uniqueKey: ["order_id"],
    actionDescriptor: {
      description: "Orders, one row each",
      columns: [{ path: ["amount"], description: "Gross amount, it's in EUR" }, { path: ["address", "city"], description: "nested: no column" }],
    },
    strata: { grants: { bi_reader: ["select"] }, indexes: [{ columns: ["customer_id"] }] },
    ...fields,
  });

describe("table", () => {
  it("first build into a missing schema: build, swap in, post-operations", () => {
    const plan = planPostgres(ordersAction({ preOps: ["set work_mem = '64MB'"], postOps: ["analyze marts.orders"] }), state(), options());
    expectGolden("table-first-build", renderPlan(plan));
  });

  it("rebuild keeps grants, comments and dependent views and materialized views", () => {
    const plan = planPostgres(ordersAction(), state([ordersWithDependents]), options());
    expectGolden("table-rebuild-with-dependents", renderPlan(plan));
  });

  it("replaces a view of the same name", () => {
    const plan = planPostgres(table(orders), state([relationInfo({ ...orders, kind: "view" })]), options());
    expectGolden("table-replaces-view", renderPlan(plan));
  });
});

describe("view", () => {
  const v = { schema: "marts", name: "big_orders" };
  it("first build", () => {
    const plan = planPostgres(view(v, { query: "select * from marts.orders where amount > 100;", actionDescriptor: { description: "Big ones" } }), state([], ["marts"]), options());
    expectGolden("view-first-build", renderPlan(plan));
  });

  it("later runs: create or replace, replacing the view and its dependents when columns changed", () => {
    const existing = relationInfo({
      ...v,
      kind: "view",
      grants: ['grant select on "marts"."big_orders" to "bi_reader"'],
      dependents: [dependent({ schema: "marts", name: "big_order_ids", kind: "view", definition: " SELECT order_id FROM marts.big_orders;" })],
    });
    const plan = planPostgres(view(v, { query: "select order_id from marts.orders where amount > 100" }), state([existing]), options());
    expectGolden("view-replace", renderPlan(plan));
  });
});

describe("incremental", () => {
  const events = { schema: "ods", name: "events" };
  const eventColumns = [
    { name: "event_id", type: "bigint", nullable: false },
    { name: "kind", type: "text", nullable: true },
    { name: "at", type: "timestamp with time zone", nullable: true },
  ];
  const existing = relationInfo({
    ...events,
    kind: "table",
    columns: eventColumns,
    indexes: ["CREATE UNIQUE INDEX events_event_id_key ON ods.events USING btree (event_id) NULLS NOT DISTINCT"],
  });
  const action = (fields = {}) =>
    incremental(events, {
      query: "select event_id, kind, at from staging.events",
      incrementalQuery: "select event_id, kind, at from staging.events where at > (select max(at) from ods.events)",
      uniqueKey: ["event_id"],
      ...fields,
    });

  it("first build: as a table, with the unique index merge needs", () => {
    expectGolden("incremental-first-build", renderPlan(planPostgres(action(), state([], ["ods"]), options())));
  });

  it("merge on uniqueKey (onSchemaChange fail)", () => {
    expectGolden("incremental-merge", renderPlan(planPostgres(action(), state([existing]), options())));
  });

  it("merge creates the unique index when the table lacks it", () => {
    const plan = planPostgres(action(), state([{ ...existing, indexes: [] }]), options());
    expectGolden("incremental-merge-adds-index", renderPlan(plan));
  });

  it("append (onSchemaChange ignore)", () => {
    const plan = planPostgres(action({ uniqueKey: undefined, strata: { onSchemaChange: "ignore" } }), state([existing]), options());
    expectGolden("incremental-append", renderPlan(plan));
  });

  it("delete+insert, with an index declared after the first build", () => {
    const plan = planPostgres(action({ strata: { incrementalStrategy: "delete+insert", indexes: [{ columns: ["at"] }] } }), state([existing]), options());
    expectGolden("incremental-delete-insert", renderPlan(plan));
  });

  it("merge with onSchemaChange extend: columns added and listed in the warehouse", () => {
    const plan = planPostgres(action({ strata: { onSchemaChange: "extend" } }), state([existing]), options());
    expectGolden("incremental-extend", renderPlan(plan));
  });

  it("append with onSchemaChange sync", () => {
    const plan = planPostgres(action({ uniqueKey: undefined, strata: { onSchemaChange: "sync" } }), state([existing]), options());
    expectGolden("incremental-sync-append", renderPlan(plan));
  });

  it("--full-refresh rebuilds; a protected table is never rebuilt", () => {
    expectGolden("incremental-full-refresh", renderPlan(planPostgres(action(), state([existing]), options({ fullRefresh: true }))));
    const plan = planPostgres(action({ protected: true }), state([existing]), options({ fullRefresh: true }));
    expectGolden("incremental-protected-full-refresh", renderPlan(plan));
  });
});

describe("materialized view", () => {
  const totals = { schema: "reporting", name: "customer_totals" };
  const action = (fields = {}) =>
    view(totals, {
      materialized: true,
      query: "select customer_id, sum(amount) as total from marts.orders group by customer_id",
      uniqueKey: ["customer_id"],
      actionDescriptor: { description: "Totals" },
      strata: { grants: { bi_reader: ["select"] } },
      ...fields,
    });
  const first = planPostgres(action(), state([], ["reporting"]), options());
  const hashComment = /comment on materialized view "reporting"."customer_totals" is 'Totals\nstrata:hash=([0-9a-f]{16})'/.exec(
    first.steps.flatMap((s) => s.statements).join("\n"),
  );
  const hash = hashComment?.[1];
  const built = relationInfo({
    ...totals,
    kind: "materialized_view",
    comment: `Totals\nstrata:hash=${hash}`,
    definitionHash: hash,
    indexes: ["CREATE UNIQUE INDEX customer_totals_customer_id_key ON reporting.customer_totals USING btree (customer_id) NULLS NOT DISTINCT"],
    dependents: [dependent({ schema: "reporting", name: "top_customers", kind: "view", definition: " SELECT customer_id FROM reporting.customer_totals ORDER BY total DESC LIMIT 10" })],
  });

  it("first build with unique index and hash comment", () => {
    expectGolden("materialized-view-create", renderPlan(first));
  });

  it("same definition: refresh concurrently", () => {
    expectGolden("materialized-view-refresh", renderPlan(planPostgres(action(), state([built]), options())));
  });

  it("same definition without uniqueKey: plain refresh", () => {
    const noKey = action({ uniqueKey: undefined });
    const h = /strata:hash=([0-9a-f]+)/.exec(planPostgres(noKey, state(), options()).steps.flatMap((s) => s.statements).join("\n"))![1];
    const plan = planPostgres(noKey, state([{ ...built, comment: `Totals\nstrata:hash=${h}`, definitionHash: h, indexes: [] }]), options());
    expectGolden("materialized-view-refresh-plain", renderPlan(plan));
  });

  it("changed definition: rebuild under a temp name and swap, keeping dependents", () => {
    const plan = planPostgres(action({ query: "select customer_id, sum(amount) as total, count(*) as orders from marts.orders group by 1" }), state([built]), options());
    expectGolden("materialized-view-rebuild", renderPlan(plan));
  });
});

describe("assertion, operations, declaration, leftovers", () => {
  it("assertion: a view in the assertion schema and its checks", () => {
    const plan = planPostgres(assertion({ schema: "strata_assertions", name: "orders_assertions_uniqueKey" }, "select order_id from marts.orders group by 1 having count(*) > 1"), state(), options());
    expectGolden("assertion", renderPlan(plan));
  });

  it("operations: statements in order, one session", () => {
    const op: { kind: "operation" } & Operation = {
      kind: "operation",
      target: { schema: "marts", name: "vacuum_orders" },
      canonicalTarget: { schema: "marts", name: "vacuum_orders" },
      queries: ["vacuum analyze marts.orders", "create index concurrently if not exists orders_at on marts.orders (at)"],
      dependencyTargets: [],
      tags: [],
      fileName: "definitions/vacuum_orders.sqlx",
    };
    expectGolden("operations", renderPlan(planPostgres(op, state(), options())));
  });

  it("declaration: nothing to run, must exist", () => {
    const target = { schema: "landing", name: "raw_orders" };
    const plan = planPostgres({ kind: "declaration", target, canonicalTarget: target, fileName: "definitions/sources.sqlx" }, state(), options());
    expectGolden("declaration", renderPlan(plan));
  });

  it("leftovers of killed runs: found by marker, dropped plainly", () => {
    const sql = [
      `${findLeftoversSql(["marts", "ods"])};`,
      ...dropLeftoversStatements([
        { schema: "marts", name: "orders__strata_tmp_20250101_000000_ffff", kind: "table" },
        { schema: "reporting", name: "totals__strata_tmp_20250101_000000_ffff", kind: "materialized_view" },
      ]).map((s) => `${s};`),
    ].join("\n");
    expectGolden("leftovers", `${sql}\n`);
  });
});
