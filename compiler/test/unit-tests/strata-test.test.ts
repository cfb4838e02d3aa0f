import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { STRATA_BIN, tempProjects } from "../helpers/temp-project";
import { compareRows } from "../../src/runner/unit-tests";
import { pgAvailable } from "../reliability/helpers";

const bin = STRATA_BIN;
const project = tempProjects("strata-unit-");

const MODELS = {
  "definitions/orders.sqlx": 'config { type: "declaration" }',
  "definitions/revenue.sqlx": [
    'config { type: "table" }',
    'select customer_id, sum(amount) as revenue from ${ref("orders")} group by customer_id',
  ].join("\n"),
  "definitions/order_log.sqlx": [
    'config { type: "incremental", uniqueKey: ["order_id"] }',
    'select order_id, amount from ${ref("orders")}',
    '${when(incremental(), `where order_id > (select max(order_id) from ${self()})`)}',
  ].join("\n"),
};

function strataTest(dir: string) {
  const r = spawnSync(process.execPath, [bin, "test", dir], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("strata test (unit tests)", () => {
  it("passes when the model's output equals the expected rows, whatever the order", () => {
    const dir = project({
      ...MODELS,
      "definitions/revenue_test.sqlx": [
        'config { type: "test", dataset: "revenue" }',
        'input "orders" { select 1 as customer_id, 10.5 as amount union all select 1, 4.5 union all select 2, 3 }',
        "select 2 as customer_id, 3 as revenue union all select 1, 15",
      ].join("\n"),
    });
    const r = strataTest(dir);
    expect(r.err).toBe("");
    expect(r.out).toContain("✓ revenue_test (ods.revenue, full query)");
    expect(r.out).toContain("1 passed, 0 failed");
    expect(r.code).toBe(0);
  });

  it("fails with a readable diff and exit 1", () => {
    const dir = project({
      ...MODELS,
      "definitions/revenue_test.sqlx": [
        'config { type: "test", dataset: "revenue" }',
        'input "orders" { select 1 as customer_id, 10 as amount }',
        "select 1 as customer_id, 11 as revenue",
      ].join("\n"),
    });
    const r = strataTest(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain("✗ revenue_test (ods.revenue, full query)  definitions/revenue_test.sqlx");
    expect(r.out).toContain("- expected: customer_id=1, revenue=11");
    expect(r.out).toContain("+ actual:   customer_id=1, revenue=10");
    expect(r.out).toContain("0 passed, 1 failed");
    const recorded = JSON.parse(fs.readFileSync(path.join(dir, ".strata/test_results.json"), "utf8"));
    expect(recorded.status).toBe("failed");
    expect(recorded.actions).toMatchObject([{ name: "revenue_test", type: "test", status: "failed" }]);
    expect(recorded.actions[0].error).toContain("- expected: customer_id=1, revenue=11");
  });

  it("tests an incremental model's incremental query when the test gives the model's prior rows", () => {
    const dir = project({
      ...MODELS,
      "definitions/order_log_full_test.sqlx": [
        'config { type: "test", dataset: "order_log" }',
        'input "orders" { select 1 as order_id, 5 as amount union all select 2, 6 }',
        "select 1 as order_id, 5 as amount union all select 2, 6",
      ].join("\n"),
      "definitions/order_log_incremental_test.sqlx": [
        'config { type: "test", dataset: "order_log" }',
        'input "orders" { select 1 as order_id, 5 as amount union all select 2, 6 union all select 3, 7 }',
        'input "order_log" { select 1 as order_id, 5 as amount union all select 2, 6 }',
        "select 3 as order_id, 7 as amount",
      ].join("\n"),
    });
    const r = strataTest(dir);
    expect(r.out).toContain("✓ order_log_full_test (ods.order_log, full query)");
    expect(r.out).toContain("✓ order_log_incremental_test (ods.order_log, incremental query)");
    expect(r.code).toBe(0);
  });
});

describe("comparing rows", () => {
  it("reports column differences before values", () => {
    expect(compareRows(["a", "c"], [], ["a", "b"], [])).toBe("columns differ:\n  expected but missing: b\n  unexpected: c");
  });
  it("treats rows as a multiset and normalises numbers", () => {
    expect(compareRows(["a"], [{ a: "1.50" }, { a: 2 }], ["a"], [{ a: 2 }, { a: 1.5 }])).toBeUndefined();
    expect(compareRows(["a"], [{ a: 1 }, { a: 1 }], ["a"], [{ a: 1 }])).toBe("row count: expected 1, got 2\n+ actual:   a=1");
  });
});

describe.runIf(pgAvailable())("strata test on the real PostgreSQL server", () => {
  it("runs full and incremental unit tests there, with the same diff on failure", () => {
    const dir = project({
      ...MODELS,
      "targets.yaml": "default: pg\ntargets:\n  pg: { adapter: postgres, url: \"postgres://postgres@127.0.0.1:5432/test\" }\n",
      "definitions/order_log_incremental_test.sqlx": [
        'config { type: "test", dataset: "order_log" }',
        'input "orders" { select 1 as order_id, 5 as amount union all select 3, 7 }',
        'input "order_log" { select 1 as order_id, 5 as amount }',
        "select 3 as order_id, 7 as amount",
      ].join("\n"),
      "definitions/revenue_test.sqlx": [
        'config { type: "test", dataset: "revenue" }',
        'input "orders" { select 1 as customer_id, 10 as amount }',
        "select 1 as customer_id, 11 as revenue",
      ].join("\n"),
    });
    const r = strataTest(dir);
    expect(r.out).toContain("✓ order_log_incremental_test (ods.order_log, incremental query)");
    expect(r.out).toContain("- expected: customer_id=1, revenue=11");
    expect(r.out).toContain("+ actual:   customer_id=1, revenue=10");
    expect(r.code).toBe(1);
    // The results are in strata_meta on the server, like a run's.
    const runId = JSON.parse(fs.readFileSync(path.join(dir, ".strata/test_results.json"), "utf8")).runId;
    const rows = spawnSync(
      process.execPath,
      ["-e", `const {Client}=require("pg");const c=new Client("postgres://postgres@127.0.0.1:5432/test");c.connect().then(()=>c.query("select action_name, status from strata_meta.action_results where run_id=$1 order by 1",["${runId}"])).then(r=>{console.log(JSON.stringify(r.rows));return c.end()})`],
      { encoding: "utf8", cwd: path.resolve(__dirname, "../../..") },
    );
    expect(JSON.parse(rows.stdout)).toEqual([
      { action_name: "order_log_incremental_test", status: "success" },
      { action_name: "revenue_test", status: "failed" },
    ]);
  });
});
