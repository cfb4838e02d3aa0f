import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile";
import { buildDocsData, columnChecks, layerOf, normaliseLineage } from "../../src/docs/docs-data";
import type { CompiledGraph, Table } from "../../src/graph/types";
import { copyFixture, FIXTURE, writeRunResults } from "./helpers";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function table(schema: string, name: string, deps: string[] = [], extra: Partial<Table> = {}): Table {
  const target = { schema, name };
  return {
    target,
    canonicalTarget: target,
    type: "table",
    enumType: "TABLE",
    query: `select 1`,
    dependencyTargets: deps.map((d) => ({ schema: d.split(".")[0], name: d.split(".")[1] })),
    tags: [],
    fileName: `definitions/${schema}/${name}.sqlx`,
    ...extra,
  };
}

function graphOf(tables: Table[]): CompiledGraph {
  return {
    projectConfig: { warehouse: "postgres", defaultSchema: "x", assertionSchema: "assertions" },
    tables,
    operations: [],
    assertions: [],
    declarations: [],
    tests: [],
    graphErrors: { compilationErrors: [] },
    targets: tables.map((t) => t.target),
  };
}

describe("buildDocsData from the fixture project", () => {
  const dir = copyFixture();
  dirs.push(dir);
  writeRunResults(dir, {
    actions: [
      { name: "stg_orders", target: { schema: "staging", name: "stg_orders" }, type: "view", status: "success", durationMs: 12 },
      { name: "ods_orders", target: { schema: "ods", name: "ods_orders" }, type: "incremental", status: "failed", error: 'relation "x" does not exist' },
      {
        name: "positive_revenue",
        target: { schema: "assertions", name: "positive_revenue" },
        type: "assertion",
        status: "warned",
        assertion: { severity: "warn", failingRows: 2, sample: [{ country: "NL", revenue: -3 }] },
      },
    ],
  });
  const { graph } = compileProject(dir);
  const runResults = JSON.parse(fs.readFileSync(path.join(dir, ".strata", "run_results.json"), "utf8"));
  const data = buildDocsData(graph, { projectName: "fixture", runResults, now: new Date("2026-11-21T12:00:00Z") });
  const node = (id: string) => data.nodes.find((n) => n.id === id)!;

  it("has one node per action, with layers in flow order", () => {
    expect(data.nodes.map((n) => n.id).sort()).toEqual([
      "analytics.analyze_marts",
      "assertions.positive_revenue",
      "assertions.staging_stg_orders_assertions_rowConditions",
      "assertions.staging_stg_orders_assertions_uniqueKey_0",
      "landing.raw_customers",
      "landing.raw_orders",
      "marts.sales_by_country",
      "ods.ods_orders",
      "staging.stg_customers",
      "staging.stg_orders",
    ]);
    expect(data.layers.slice(0, 4)).toEqual(["landing", "staging", "ods", "marts"]);
    expect(node("ods.ods_orders")).toMatchObject({ type: "incremental", layer: "ods", uniqueKey: ["order_id"], schedule: ["daily"] });
    expect(node("landing.raw_orders").type).toBe("declaration");
    // An operation's statements are shown one by one; it sits in the layer of its folder.
    expect(node("analytics.analyze_marts")).toMatchObject({ type: "operations", layer: "marts", schedule: ["monthly"] });
    expect(node("analytics.analyze_marts").sql.map((q) => q.trim())).toEqual(['analyze "marts"."sales_by_country"', "select 1 as done"]);
  });

  it("links dependencies both ways", () => {
    expect(node("ods.ods_orders").deps.sort()).toEqual(["staging.stg_customers", "staging.stg_orders"]);
    expect(node("staging.stg_orders").dependents).toContain("ods.ods_orders");
    expect(node("marts.sales_by_country").dependents.sort()).toEqual(["analytics.analyze_marts", "assertions.positive_revenue"]);
  });

  it("turns inline assertions into column tests and lists every assertion on the model", () => {
    const cols = Object.fromEntries(node("staging.stg_orders").columns.map((c) => [c.name, c.tests]));
    expect(cols).toEqual({ order_id: ["unique", "not null"], customer_id: ["not null"], amount: [] });
    expect(node("staging.stg_orders").assertions.sort()).toEqual([
      "assertions.staging_stg_orders_assertions_rowConditions",
      "assertions.staging_stg_orders_assertions_uniqueKey_0",
    ]);
    // A custom assertion checks the model it reads.
    expect(node("marts.sales_by_country").assertions).toEqual(["assertions.positive_revenue"]);
    expect(node("assertions.staging_stg_orders_assertions_uniqueKey_0").parent).toBe("staging.stg_orders");
  });

  it("carries the SQLX source, the compiled SQL and the last run", () => {
    expect(node("staging.stg_orders").source).toContain('from ${ref("raw_orders")}');
    expect(node("staging.stg_orders").sql[0]).toContain('"landing"."raw_orders"');
    expect(node("staging.stg_orders").lastRun).toMatchObject({ status: "success", durationMs: 12 });
    expect(node("ods.ods_orders").lastRun).toMatchObject({ status: "failed", error: 'relation "x" does not exist' });
    expect(node("assertions.positive_revenue").lastRun?.assertion?.failingRows).toBe(2);
    expect(node("marts.sales_by_country").lastRun).toBeUndefined();
    expect(data.lastRun).toMatchObject({ runId: "20261121_101500_ab12", status: "failed" });
    expect(data.project.generatedAt).toBe("2026-11-21T12:00:00.000Z");
  });
});

describe("buildDocsData details", () => {
  it("reads sources through readSource when the graph has no source text", () => {
    const data = buildDocsData(graphOf([table("marts", "a")]), { projectName: "p", readSource: (f) => `-- ${f}` });
    expect(data.nodes[0].source).toBe("-- definitions/marts/a.sqlx");
  });

  it("takes column types from the warehouse over the declared ones", () => {
    const t = table("marts", "a", [], { actionDescriptor: { columns: [{ path: ["id"], type: "int", description: "key" }] } });
    const data = buildDocsData(graphOf([t]), {
      projectName: "p",
      columnTypes: new Map([["marts.a", [{ name: "id", type: "bigint" }, { name: "extra", type: "text" }]]]),
    });
    expect(data.nodes[0].columns).toEqual([
      { name: "id", type: "bigint", typeSource: "warehouse", description: "key", tests: [] },
      { name: "extra", type: "text", typeSource: "warehouse", tests: [] },
    ]);
  });

  it("keeps ids unique when two databases hold the same schema.name", () => {
    const a = table("s", "t", [], { target: { database: "db1", schema: "s", name: "t" } });
    const b = table("s", "t", [], { target: { database: "db2", schema: "s", name: "t" } });
    expect(buildDocsData(graphOf([a, b]), { projectName: "p" }).nodes.map((n) => n.id)).toEqual(["db1.s.t", "db2.s.t"]);
  });

  it("shows column lineage from the graph and resolves bare relation names", () => {
    const up = table("staging", "orders");
    const down = table("marts", "sales", ["staging.orders"], {
      strata: { layer: "marts", lineage: [{ name: "amount", sources: [{ relation: "orders", column: "amt" }] }] } as Table["strata"],
    });
    const data = buildDocsData(graphOf([up, down]), { projectName: "p" });
    expect(data.nodes[1].lineage).toEqual([{ column: "amount", sources: [{ model: "staging.orders", column: "amt" }] }]);
  });

  it("ignores lineage it cannot read", () => {
    expect(normaliseLineage("nonsense")).toBeUndefined();
    expect(normaliseLineage({ a: [{ model: "s.t", column: "c" }, 42] })).toEqual([{ column: "a", sources: [{ model: "s.t", column: "c" }] }]);
  });

  it("derives the layer from config, then the path, then the schema", () => {
    expect(layerOf("definitions/staging/x.sqlx", "anything")).toBe("staging");
    expect(layerOf("definitions/x.sqlx", "marts")).toBe("marts");
    expect(layerOf("definitions/x.sqlx", "misc")).toBe("other");
    expect(layerOf("definitions/staging/x.sqlx", "s", "gold")).toBe("gold");
  });

  it("reads row conditions other than not-null as tests on the columns they mention", () => {
    const target = { schema: "assertions", name: "m_assertions_rowConditions" };
    const checks = columnChecks(
      {
        target,
        canonicalTarget: target,
        query: `SELECT 'amount > 0' AS failing_row_condition, * FROM t WHERE NOT (amount > 0) UNION ALL SELECT 'id IS NOT NULL' AS failing_row_condition, * FROM t WHERE NOT (id IS NOT NULL)`,
        dependencyTargets: [],
        tags: [],
        fileName: "f",
      },
      ["id", "amount", "other"],
    );
    expect(Object.fromEntries(checks)).toEqual({ amount: ["amount > 0"], id: ["not null"] });
  });
});

describe("fixture sanity", () => {
  it("compiles without errors", () => {
    expect(compileProject(FIXTURE).graph.graphErrors.compilationErrors).toEqual([]);
  });
});
