// The includes/checks.js library, compiled through real SQLX files and executed on PGlite and on
// the real PostgreSQL 15 server against seeded data: each check must return exactly the failing rows.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile";
import type { CompiledGraph } from "../../src/graph/types";
import { type Engine, openPglite, openServer } from "../plan/engines";
import { pgAvailable } from "../reliability/helpers";

const repo = path.resolve(__dirname, "../../..");
const up = pgAvailable();
if (!up) console.warn("PostgreSQL on 127.0.0.1:5432 is not reachable: the server half of the accuracy-check tests is skipped");

const ASSERTIONS: Record<string, string> = {
  status_values: '${checks.acceptedValues({ from: ref("orders"), column: "status", values: ["paid", "open"] })}',
  order_customer: '${checks.relationship({ from: ref("orders"), column: "customer_id", to: ref("customers") })}',
  unique_order: '${checks.unique({ from: ref("orders"), columns: ["order_id"] })}',
  no_double_loads: '${checks.duplicateRowHashes({ from: ref("orders") })}',
  revenue_reconciles: '${checks.reconcile({ left: { from: ref("orders"), expression: "sum(amount)" }, right: { from: ref("revenue"), expression: "sum(total)" }, tolerance: 0.01, label: "revenue" })}',
  counts_match: '${checks.rowCountsMatch({ left: ref("customers"), right: ref("revenue") })}',
  orders_fresh: '${checks.freshness({ from: ref("orders"), column: "loaded_at", hours: 24 })}',
  amount_anomalies: '${checks.zScoreAnomalies({ from: ref("orders"), value: "amount", partitionBy: "customer_id", threshold: 1.4, columns: ["order_id"] })}',
  positive_amounts: '${checks.rowCondition({ from: ref("orders"), condition: "amount >= 0", columns: ["order_id", "amount"] })}',
};

describe.each([
  { name: "PGlite", open: openPglite, run: true },
  { name: "PostgreSQL 15", open: openServer, run: up },
])("accuracy checks library (includes/checks.js) on $name", ({ open, run }) => {
let dir: string;
let graph: CompiledGraph;
let db: Engine;
const schema = `checks_${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  if (!run) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-checks-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write("dataform.json", JSON.stringify({ warehouse: "postgres", defaultSchema: schema, assertionSchema: "qa" }));
  for (const f of ["checks.js", "dialect.js"]) write(`includes/${f}`, fs.readFileSync(path.join(repo, "includes", f), "utf8"));
  for (const t of ["orders", "customers", "revenue"]) write(`definitions/${t}.sqlx`, 'config { type: "declaration" }');
  for (const [name, body] of Object.entries(ASSERTIONS)) write(`assertions/${name}.sqlx`, `config { type: "assertion" }\n${body}\n`);
  graph = compileProject(dir).graph;
  db = await open();
  await db.script(`
    create schema ${schema};
    create table ${schema}.customers (customer_id int);
    insert into ${schema}.customers values (1), (2);
    create table ${schema}.orders (order_id int, customer_id int, status text, amount numeric, loaded_at timestamptz, _row_hash text);
    insert into ${schema}.orders values
      (1, 1, 'paid', 10, now(), 'h1'), (2, 1, 'paid', 10, now(), 'h2'), (3, 1, 'open', 10, now(), 'h3'),
      (4, 1, 'paid', 100, now(), 'h4'), (5, 2, 'refunded', 5, now() - interval '2 days', 'h5'),
      (5, 3, 'paid', -1, now(), 'h5'), (6, null, null, 7, now(), 'h6');
    create table ${schema}.revenue (customer_id int, total numeric);
    insert into ${schema}.revenue values (1, 130), (2, 5), (3, -1);
  `);
});
afterAll(async () => {
  if (!run) return;
  await db.script(`drop schema ${schema} cascade`);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The failing rows, with counts as numbers (the server returns bigint and numeric as text). */
async function failing(name: string) {
  const assertion = graph.assertions.find((a) => a.target.name === name)!;
  const { rows } = await db.session.execute(assertion.query);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));
}

  it.skipIf(!run)("compiles every check without errors", () => {
    expect(graph.graphErrors.compilationErrors).toEqual([]);
    expect(graph.assertions.map((a) => a.target.name).sort()).toEqual(Object.keys(ASSERTIONS).sort());
  });

  it.skipIf(!run)("accepted values: unexpected and NULL statuses", async () => {
    const rows = await failing("status_values");
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(expect.arrayContaining([{ status: null, rows: 1 }, { status: "refunded", rows: 1 }]));
  });

  it.skipIf(!run)("relationships: a foreign key without a parent, NULL keys not checked", async () => {
    expect(await failing("order_customer")).toEqual([{ customer_id: 3, rows: 1 }]);
  });

  it.skipIf(!run)("uniqueness and duplicate row hashes", async () => {
    expect(await failing("unique_order")).toEqual([{ order_id: 5, rows: 2 }]);
    expect(await failing("no_double_loads")).toEqual([{ _row_hash: "h5", rows: 2 }]);
  });

  it.skipIf(!run)("reconciliation of sums and row counts between layers", async () => {
    const revenue = await failing("revenue_reconciles");
    expect(revenue).toHaveLength(1);
    expect(revenue[0]).toMatchObject({ measure: "revenue" });
    expect(Number(revenue[0].left_value)).toBe(141);
    expect(Number(revenue[0].right_value)).toBe(134);
    expect(await failing("counts_match")).toEqual([{ measure: "row count", left_value: 2, right_value: 3, difference: -1 }]);
  });

  it.skipIf(!run)("freshness holds when the newest row is recent", async () => {
    expect(await failing("orders_fresh")).toEqual([]);
    await db.script(`update ${schema}.orders set loaded_at = now() - interval '3 days'`);
    expect(await failing("orders_fresh")).toHaveLength(1);
  });

  it.skipIf(!run)("z-score anomalies per group (customer 1: 10, 10, 10, 100 → z(100) = 1.5)", async () => {
    const rows = await failing("amount_anomalies");
    expect(rows.map((r) => r.order_id)).toEqual([4]);
  });

  it.skipIf(!run)("row conditions", async () => {
    expect((await failing("positive_amounts")).map((r) => [r.order_id, Number(r.amount)])).toEqual([[5, -1]]);
  });
});
