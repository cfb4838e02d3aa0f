// Golden tests of the Athena SQL for every materialization (compiler/test/athena/goldens/*.sql),
// plus a Trino-grammar check of every Trino statement. Regenerate with UPDATE_GOLDENS=1.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Assertion, CompiledGraph, Declaration, GraphAction, Operation, Table, Target } from "../../src/graph/types";
import { planAthena } from "../../src/plan/athena";
import type { ActionPlan, PlanOptions } from "../../src/plan/plan";
import type { ResolvedTarget } from "../../src/project/targets";
import type { RelationInfo, WarehouseState } from "../../src/warehouse/warehouse";
import { UserError } from "../../src/errors";
import { assertParses, liftScalarSubqueries, renderPlan } from "./sql-check";

const GOLDENS = path.join(__dirname, "goldens");

const TARGET: ResolvedTarget = {
  name: "athena",
  adapter: "athena",
  dialect: "athena",
  config: { adapter: "athena", region: "eu-west-1", workgroup: "strata", s3Staging: "s3://results/athena/", s3Data: "s3://lake/strata" },
};

const graph = { projectConfig: { warehouse: "athena", defaultSchema: "ods", assertionSchema: "strata_assertions" } } as CompiledGraph;
const options = (extra: Partial<PlanOptions> = {}): PlanOptions => ({ fullRefresh: false, runId: "20261121T2200Z-ab12", graph, target: TARGET, ...extra });

const empty = (): WarehouseState => ({ relations: new Map(), schemas: new Set() });
function withRelation(target: Target, kind: RelationInfo["kind"], columns: string[] = []): WarehouseState {
  const info: RelationInfo = { schema: target.schema, name: target.name, kind, columns: columns.map((name) => ({ name, type: "varchar", nullable: true })), dependents: [], grants: [] };
  return { relations: new Map([[`${target.schema}.${target.name}`, info]]), schemas: new Set([target.schema]) };
}

function table(name: string, extra: Partial<Table> = {}): GraphAction {
  const target = { schema: "marts", name };
  return {
    kind: "table",
    target,
    canonicalTarget: target,
    type: "table",
    enumType: "TABLE",
    query: `select customer_id, sum(amount) as revenue\nfrom "ods"."orders"\ngroup by customer_id`,
    dependencyTargets: [{ schema: "ods", name: "orders" }],
    tags: [],
    fileName: `definitions/marts/${name}.sqlx`,
    ...extra,
  } as GraphAction;
}

const incrementalExtra: Partial<Table> = {
  type: "incremental",
  enumType: "INCREMENTAL",
  query: `select order_id, customer_id, amount, updated_at from "staging"."orders"`,
  incrementalQuery: `select order_id, customer_id, amount, updated_at from "staging"."orders"\nwhere updated_at > (select max(updated_at) from "marts"."orders_inc")`,
  uniqueKey: ["order_id"],
};
const ORDER_COLUMNS = ["order_id", "customer_id", "amount", "updated_at"];

function golden(name: string, plans: ActionPlan[]) {
  const text = plans.map(renderPlan).join("\n\n") + "\n";
  const file = path.join(GOLDENS, `${name}.sql`);
  if (process.env.UPDATE_GOLDENS || !fs.existsSync(file)) fs.writeFileSync(file, text);
  expect(text).toBe(fs.readFileSync(file, "utf8"));
  for (const plan of plans) for (const step of plan.steps) for (const sql of step.statements) assertParses(sql);
  for (const plan of plans) for (const sql of plan.cleanup) assertParses(sql);
  for (const plan of plans) if (plan.check) [plan.check.countSql, plan.check.sampleSql].forEach(assertParses);
}

describe("Athena plans (goldens)", () => {
  it("view: create or replace; a table of the same name is dropped first", () => {
    const view = table("customer_view", { type: "view", enumType: "VIEW", preOps: ["select 1"], postOps: [] });
    golden("view", [planAthena(view, empty(), options()), planAthena(view, withRelation(view.target, "table"), options())]);
  });

  it("table: Iceberg CTAS into a fresh location under a temp name, then the rename swap", () => {
    const t = table("customer_revenue", {
      strata: { athena: { partitionBy: ["customer_id"], bucketBy: { columns: ["customer_id"], buckets: 8 }, writeCompression: "zstd", tableProperties: { vacuum_max_snapshot_age_seconds: 86400 } } },
    });
    const first = planAthena(t, empty(), options());
    const later = planAthena(t, withRelation(t.target, "table", ["customer_id", "revenue"]), options());
    golden("table", [first, later]);
    expect(later.cleanup).toEqual([
      "alter table `marts`.`customer_revenue__strata_old_20261121t2200z_ab12` rename to `marts`.`customer_revenue`",
      "drop table if exists `marts`.`customer_revenue__strata_tmp_20261121t2200z_ab12`",
    ]);
    expect(first.steps.find((s) => s.description.startsWith("build"))?.statements[0]).toContain("location = 's3://lake/strata/marts/customer_revenue/20261121t2200z_ab12/'");
  });

  it("incremental: first build as a table, then MERGE on uniqueKey, INSERT without one, delete+insert on request", () => {
    const inc = table("orders_inc", incrementalExtra);
    const state = withRelation(inc.target, "table", ORDER_COLUMNS);
    const append = table("orders_inc", { ...incrementalExtra, uniqueKey: undefined });
    const deleteInsert = table("orders_inc", { ...incrementalExtra, strata: { incrementalStrategy: "delete+insert" } });
    golden("incremental", [
      planAthena(inc, empty(), options()),
      planAthena(inc, state, options()),
      planAthena(append, state, options()),
      planAthena(deleteInsert, state, options()),
      planAthena(inc, state, options({ fullRefresh: true })),
    ]);
    // The staged rows are the action's rows: copying them into the table does not count them again.
    expect(planAthena(deleteInsert, state, options()).steps.map((s) => s.countsRows)).toEqual([undefined, false]);
  });

  it("a protected incremental is never rebuilt, even with --full-refresh", () => {
    const inc = table("orders_inc", { ...incrementalExtra, protected: true });
    const plan = planAthena(inc, withRelation(inc.target, "table", ORDER_COLUMNS), options({ fullRefresh: true }));
    expect(plan.steps.map((s) => s.description)).toEqual(["merge the new rows on order_id"]);
    expect(plan.notices).toEqual(["marts.orders_inc is protected: --full-refresh does not rebuild it"]);
  });

  it("materialized view: a rebuilt Iceberg table, with a notice", () => {
    const mv = table("daily_sales_mv", { type: "view", enumType: "VIEW", materialized: true });
    const plan = planAthena(mv, empty(), options());
    expect(plan.notices).toEqual(["Athena has no materialized views: marts.daily_sales_mv is built as an Iceberg table, rebuilt on every run"]);
    golden("materialized-view", [plan, planAthena(mv, withRelation(mv.target, "view"), options())]);
  });

  it("assertion: a view in the assertion database, with count and sample queries", () => {
    const target = { schema: "strata_assertions", name: "orders_inc_assertions_uniqueKey_0" };
    const assertion = {
      kind: "assertion",
      target,
      canonicalTarget: target,
      query: `select order_id, count(*) as n from "marts"."orders_inc" group by order_id having count(*) > 1`,
      dependencyTargets: [],
      tags: [],
      fileName: "definitions/marts/orders_inc.sqlx",
    } as { kind: "assertion" } & Assertion;
    golden("assertion", [planAthena(assertion, empty(), options())]);
  });

  it("operations: statements in order; declaration: must exist", () => {
    const target = { schema: "ods", name: "grants" };
    const ops = { kind: "operation", target, canonicalTarget: target, queries: ["create database if not exists `ods`", `select 1 as ok`], dependencyTargets: [], tags: [], fileName: "x.sqlx" } as { kind: "operation" } & Operation;
    const decl = { kind: "declaration", target: { schema: "landing", name: "raw_events" }, canonicalTarget: { schema: "landing", name: "raw_events" }, fileName: "y.sqlx" } as { kind: "declaration" } & Declaration;
    const declPlan = planAthena(decl, empty(), options());
    expect(declPlan.requireExists?.message).toBe("declared source landing.raw_events does not exist in Athena (Glue database landing)");
    golden("operations", [planAthena(ops, empty(), options())]);
  });

  it("rejects unknown athena {} options with the action's place", () => {
    const t = table("bad", { strata: { athena: { partitionedBy: ["x"] }, location: { file: "definitions/marts/bad.sqlx", line: 3, column: 1 } } });
    const err = (() => {
      try {
        planAthena(t, empty(), options());
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err?.oneLine()).toBe("definitions/marts/bad.sqlx:3:1: marts.bad: athena.partitionedBy is not an Athena option (known: partitionBy, bucketBy, format, writeCompression, tableProperties)");
  });

  it("says which PostgreSQL-only options it ignores", () => {
    const t = table("granted", { strata: { grants: { bi_reader: ["select"] }, indexes: [{ columns: ["customer_id"] }] } });
    expect(planAthena(t, empty(), options()).notices).toEqual([
      "marts.granted: grants are not applied on Athena; use Lake Formation permissions",
      "marts.granted: indexes do not exist on Athena; use athena.partitionBy",
    ]);
  });

  it("plans for an empty warehouse with no AWS access (the dry run), but needs the athena target", () => {
    expect(() => planAthena(table("x"), empty(), options({ target: undefined }))).toThrow(/needs the athena target/);
  });
});

describe("the grammar check itself", () => {
  it("rejects broken SQL, also inside the envelopes it matches", () => {
    expect(() => assertParses("selec 1")).toThrow(/not valid Trino SQL/);
    expect(() => assertParses(`create table "a"."b"\nwith (\n  table_type = 'ICEBERG'\n)\nas\nselect from where`)).toThrow(/not valid Trino SQL/);
    expect(() => assertParses(`merge into "a"."b" as dest\nusing (\nselect ,\n) as src\non dest.id = src.id\nwhen not matched then insert (id) values (src.id)`)).toThrow(/not valid Trino SQL/);
    expect(() => assertParses("alter table `a`.`b` rename to")).toThrow(/not valid Trino SQL/);
    expect(assertParses("alter table `a`.`b` rename to `a`.`c`")).toBe("ddl");
  });

  it("checks scalar subqueries on their own", () => {
    expect(liftScalarSubqueries("select a from t where x > (select max(y) from u) and exists (select 1 from v)")).toEqual({
      outer: "select a from t where x > 1 and 1 = 1",
      subqueries: ["select max(y) from u", "select 1 from v"],
    });
    expect(() => assertParses("select a from t where x > (select max(y) frm u)")).toThrow(/not valid Trino SQL/);
  });
});
