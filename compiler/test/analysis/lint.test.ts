import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { STRATA_BIN, tempProjects } from "../helpers/temp-project";
import { analyzeGraph } from "../../src/analysis/analyze";
import { lint } from "../../src/analysis/lint";
import { compileProject } from "../../src/compile";

const bin = STRATA_BIN;
const project = tempProjects("strata-lint-");

const CLEAN = {
  "definitions/ods/customer.sqlx": 'config { type: "table", description: "customers" }\nselect 1 as customer_id, \'a\' as name\n',
  "definitions/marts/customer_names.sqlx": [
    "config {",
    '  type: "table", schema: "marts", description: "names",',
    '  columns: { customer_id: "id", name: "the name" }',
    "}",
    'select c.customer_id, c.name from ${ref("customer")} c',
    "",
  ].join("\n"),
};

async function findings(files: Record<string, string>) {
  const dir = project(files);
  const { graph } = compileProject(dir);
  expect(graph.graphErrors.compilationErrors).toEqual([]);
  return lint(graph, await analyzeGraph(graph, { projectDir: dir }), dir);
}

describe("strata lint", () => {
  it("finds a table read by name instead of ref(), with file, line and the ref() to write", async () => {
    const result = await findings({
      ...CLEAN,
      "definitions/ods/orders.sqlx": 'config { type: "table", description: "orders" }\nselect o.id\nfrom (select 1 as id) o\njoin ods.customer c on c.customer_id = o.id\n',
    });
    expect(result.filter((f) => f.rule === "undeclared-dependency")).toEqual([
      {
        rule: "undeclared-dependency",
        severity: "error",
        action: "ods.orders",
        file: "definitions/ods/orders.sqlx",
        line: 4,
        message: 'ods.orders reads ods.customer without a dependency: write ${ref("customer")} instead',
      },
    ]);
  });

  it("does not report a CTE that shares a model's name", async () => {
    const result = await findings({
      ...CLEAN,
      "definitions/ods/orders.sqlx": 'config { type: "table", description: "orders" }\nwith customer as (select 1 as id)\nselect id from customer\n',
    });
    expect(result.filter((f) => f.rule === "undeclared-dependency")).toEqual([]);
  });

  it("flags select * and undescribed columns in marts", async () => {
    const result = await findings({
      ...CLEAN,
      "definitions/marts/wide.sqlx": 'config { type: "table", schema: "marts", description: "wide", columns: { customer_id: "id" } }\nselect * from ${ref("customer")}\n',
    });
    const messages = result.filter((f) => f.severity === "error").map((f) => `${f.rule}: ${f.message}`);
    expect(messages).toEqual([
      "missing-column-descriptions: marts.wide: columns without a description: name",
      "select-star-in-marts: marts.wide is a mart and uses select *: list the columns",
    ]);
  });

  it("lets dataform.json turn rules off or down", async () => {
    const dir = project({
      ...CLEAN,
      "dataform.json": JSON.stringify({ warehouse: "postgres", defaultSchema: "ods", assertionSchema: "qa", lint: { rules: { "select-star-in-marts": "off", "missing-column-descriptions": "warn" } } }),
      "definitions/marts/wide.sqlx": 'config { type: "table", schema: "marts", description: "wide" }\nselect * from ${ref("customer")}\n',
    });
    const { graph } = compileProject(dir);
    const result = lint(graph, await analyzeGraph(graph, { projectDir: dir }), dir);
    expect(result.filter((f) => f.rule === "select-star-in-marts")).toEqual([]);
    expect(result.find((f) => f.rule === "missing-column-descriptions")?.severity).toBe("warn");
  });

  it("exits 1 on errors and 0 when clean, from the command line", () => {
    const clean = spawnSync(process.execPath, [bin, "lint", project(CLEAN)], { encoding: "utf8" });
    expect(clean.stdout).toContain("✓ no findings in 2 actions");
    expect(clean.status).toBe(0);
    const dirty = project({ ...CLEAN, "definitions/ods/orders.sqlx": 'config { type: "table", description: "o" }\nselect * from ods.customer\n' });
    const r = spawnSync(process.execPath, [bin, "lint", dirty, "--json"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).errors).toBe(1);
  });

  it("re-uses cached analysis on a warm run", async () => {
    const dir = project(CLEAN);
    const { graph } = compileProject(dir);
    expect((await analyzeGraph(graph, { projectDir: dir })).cache).toEqual({ hits: 0, misses: 2 });
    expect((await analyzeGraph(graph, { projectDir: dir })).cache).toEqual({ hits: 2, misses: 0 });
  });
});

describe("strata format --check", () => {
  it("exits 1 for unformatted files, formats them, then passes", () => {
    const dir = project({ "definitions/ods/a.sqlx": 'config { type: "table" }\nSELECT 1 AS a' });
    const check = () => spawnSync(process.execPath, [bin, "format", dir, "--check"], { encoding: "utf8" });
    expect(check().status).toBe(1);
    expect(check().stdout).toContain("not formatted: definitions/ods/a.sqlx");
    expect(spawnSync(process.execPath, [bin, "format", dir], { encoding: "utf8" }).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "definitions/ods/a.sqlx"), "utf8")).toBe('config { type: "table" }\n\nselect\n  1 as a\n');
    expect(check().status).toBe(0);
  });
});
