// compileProject semantics, in process: targets, contexts, includes, vars, suffixes, incremental
// queries, inline assertions, operations, JS API, landing declarations, project config files.
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile";
import { UserError } from "../../src/errors";
import type { CompiledGraph } from "../../src/graph/types";
import { removeDir, writeProject } from "./helpers";

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) removeDir(dirs.pop()!);
});

function compile(files: Record<string, string>, options: Parameters<typeof compileProject>[1] = {}) {
  const dir = writeProject(files, "unit");
  dirs.push(dir);
  return compileProject(dir, options);
}

const table = (g: CompiledGraph, name: string) => g.tables.find((t) => t.target.name === name)!;
const errors = (g: CompiledGraph) => g.graphErrors.compilationErrors;

describe("compileProject", () => {
  it("resolves refs in every form, quotes for PostgreSQL and records dependencies", () => {
    const { graph } = compile({
      "definitions/staging/src.sqlx": `config { type: "view", schema: "staging" }\nselect 1 as id`,
      "definitions/marts/a.sqlx": `config { type: "table", schema: "marts" }\nselect * from \${ref("src")} join \${ref("staging", "src")} using (id) join \${ref({schema: "staging", name: "src"})} using (id), \${resolve("src")} x`,
    });
    expect(errors(graph)).toEqual([]);
    const a = table(graph, "a");
    expect(a.query).toBe(`\nselect * from "staging"."src" join "staging"."src" using (id) join "staging"."src" using (id), "staging"."src" x`);
    expect(a.dependencyTargets).toEqual([{ schema: "staging", name: "src" }]);
    expect(a.strata?.layer).toBe("marts");
    expect(a.strata?.location).toEqual({ file: "definitions/marts/a.sqlx", line: 1, column: 1 });
  });

  it("renders self, name, schema, database, when and incremental; incremental models get both queries", () => {
    const { graph } = compile({
      "dataform.json": JSON.stringify({ warehouse: "postgres", defaultSchema: "ods", assertionSchema: "qa", defaultDatabase: "db" }),
      "definitions/src.sqlx": `config { type: "declaration", schema: "raw" }`,
      "definitions/inc.sqlx": [
        `config { type: "incremental", uniqueKey: ["id"], protected: true, onSchemaChange: "extend", incrementalStrategy: "merge" }`,
        `pre_operations { select '\${name()}' }`,
        "select '${schema()}.${database()}' as s, * from ${ref(\"src\")}",
        "${when(incremental(), `where id > (select max(id) from ${self()})`, `where true`)}",
      ].join("\n"),
    });
    expect(errors(graph)).toEqual([]);
    const inc = table(graph, "inc");
    expect(inc.type).toBe("incremental");
    expect(inc.enumType).toBe("INCREMENTAL");
    expect(inc.query).toBe(`\n\nselect 'ods.db' as s, * from "db"."raw"."src"\nwhere true`);
    expect(inc.incrementalQuery).toBe(`\n\nselect 'ods.db' as s, * from "db"."raw"."src"\nwhere id > (select max(id) from "db"."ods"."inc")`);
    expect(inc.preOps).toEqual([` select 'inc' `]);
    expect(inc.incrementalPreOps).toEqual([` select 'inc' `]);
    expect(inc.protected).toBe(true);
    expect(inc.uniqueKey).toEqual(["id"]);
    expect(inc.strata).toMatchObject({ onSchemaChange: "extend", incrementalStrategy: "merge" });
  });

  it("folds incremental_where into the incremental query only", () => {
    const { graph } = compile({
      "definitions/inc.sqlx": `config { type: "incremental" }\nselect 1 as x\nincremental_where { x > 0 }`,
    });
    expect(errors(graph)).toEqual([]);
    expect(table(graph, "inc").query).toBe("\nselect 1 as x\n");
    expect(table(graph, "inc").incrementalQuery).toBe("select * from (\nselect 1 as x\n) as insertions where  x > 0 ");
  });

  it("applies schemaSuffix and tablePrefix to built targets, not to declarations; refs by canonical schema still resolve", () => {
    const { graph } = compile({
      "dataform.json": JSON.stringify({ defaultSchema: "ods", assertionSchema: "qa", schemaSuffix: "dev", tablePrefix: "tmp" }),
      "landing/crm/contract.yaml": "table: landing.crm_customers\ndescription: CRM\ncolumns:\n  - name: id\n    description: key\n",
      "definitions/staging/stg.sqlx": `config { type: "view", schema: "staging" }\nselect * from \${ref("landing", "crm_customers")}`,
      "definitions/marts/m.sqlx": `config { type: "table" }\nselect * from \${ref("staging", "stg")}`,
    });
    expect(errors(graph)).toEqual([]);
    expect(table(graph, "tmp_stg").target).toEqual({ schema: "staging_dev", name: "tmp_stg" });
    expect(table(graph, "tmp_stg").canonicalTarget).toEqual({ schema: "staging", name: "stg" });
    expect(table(graph, "tmp_stg").query).toBe(`\nselect * from "landing"."crm_customers"`);
    expect(table(graph, "tmp_m").query).toBe(`\nselect * from "staging_dev"."tmp_stg"`);
    const landing = graph.declarations[0];
    expect(landing).toMatchObject({
      target: { schema: "landing", name: "crm_customers" },
      fileName: "landing/crm/contract.yaml",
      actionDescriptor: { description: "CRM", columns: [{ path: ["id"], description: "key" }] },
      strata: { layer: "landing", location: { file: "landing/crm/contract.yaml", line: 1 } },
    });
  });

  it("makes includes globals by basename and exposes vars, overridable with --vars", () => {
    const files = {
      "dataform.json": JSON.stringify({ defaultSchema: "s", vars: { region: "eu", since: "2020" } }),
      "includes/filters.js": "module.exports = { region: (c) => `${c} = '${dataform.projectConfig.vars.region}'` };",
      "includes/z_uses_other.js": "module.exports = { both: () => filters.region('r') };",
      "definitions/a.sqlx": "config { type: \"view\" }\nselect * from t where ${filters.region(\"r\")} and y > '${dataform.projectConfig.vars.since}' and ${z_uses_other.both()}",
    };
    expect(table(compile(files).graph, "a").query).toBe(`\nselect * from t where r = 'eu' and y > '2020' and r = 'eu'`);
    const { graph } = compile(files, { vars: { region: "us" } });
    expect(table(graph, "a").query).toBe(`\nselect * from t where r = 'us' and y > '2020' and r = 'us'`);
    expect(graph.projectConfig.vars).toEqual({ region: "us", since: "2020" });
  });

  it("generates inline assertions with Dataform's names, SQL, tags and parent", () => {
    const { graph } = compile({
      "definitions/ods/customers.sqlx": `config { type: "table", schema: "ods", tags: ["daily"], assertions: { uniqueKeys: [["id"], ["email", "region"]], nonNull: "id", rowConditions: ["name <> 'x'"] } }\nselect 1 as id`,
    });
    expect(errors(graph)).toEqual([]);
    expect(graph.assertions.map((a) => a.target)).toEqual([
      { schema: "qa", name: "ods_customers_assertions_uniqueKey_0" },
      { schema: "qa", name: "ods_customers_assertions_uniqueKey_1" },
      { schema: "qa", name: "ods_customers_assertions_rowConditions" },
    ]);
    const [, second, rows] = graph.assertions;
    expect(second.query).toBe(`\nSELECT\n  *\nFROM (\n  SELECT\n    email, region,\n    COUNT(1) AS index_row_count\n  FROM "ods"."customers"\n  GROUP BY email, region\n  ) AS data\nWHERE index_row_count > 1\n`);
    expect(rows.query).toBe(
      `\nSELECT\n  'name <> ''x''' AS failing_row_condition,\n  *\nFROM "ods"."customers"\nWHERE NOT (name <> 'x')\nUNION ALL\nSELECT\n  'id IS NOT NULL' AS failing_row_condition,\n  *\nFROM "ods"."customers"\nWHERE NOT (id IS NOT NULL)\n`,
    );
    expect(rows).toMatchObject({ tags: ["daily"], parentAction: { schema: "ods", name: "customers" }, dependencyTargets: [{ schema: "ods", name: "customers" }] });
    expect(rows.strata).toMatchObject({ severity: "error", layer: "ods" });
  });

  it("splits operations on ---, keeps hasOutput, and lets a model ref an operation with output", () => {
    const { graph } = compile({
      "definitions/ops.sqlx": `config { type: "operations", hasOutput: true }\ncreate table \${self()} as select 1\n---\nanalyze \${self()}`,
      "definitions/v.sqlx": `config { type: "view" }\nselect * from \${ref("ops")}`,
    });
    expect(errors(graph)).toEqual([]);
    expect(graph.operations[0].queries).toEqual([`\ncreate table "analytics"."ops" as select 1\n`, `\nanalyze "analytics"."ops"`]);
    expect(graph.operations[0].hasOutput).toBe(true);
    expect(table(graph, "v").dependencyTargets).toEqual([{ schema: "analytics", name: "ops" }]);
  });

  it("supports the JS API: publish, declare, assert, operate, test, with file:line locations", () => {
    const { graph } = compile({
      "definitions/api.js": [
        `declare({ schema: "raw", name: "events" });`,
        `publish("daily", { type: "table", tags: ["daily"] }).query((ctx) => \`select * from \${ctx.ref("events")}\`);`,
        `assert("daily_nonempty", { severity: "warn" }).query((ctx) => \`select 1 from \${ctx.ref("daily")} having count(*) = 0\`);`,
        `operate("vacuum").queries((ctx) => [\`vacuum \${ctx.ref("daily")}\`]).tags(["weekly"]);`,
        `publish("v").type("view").materialized(true).uniqueKey("id").query("select 1 as id");`,
      ].join("\n"),
      "definitions/t.sqlx": `config { type: "test", dataset: "daily" }\ninput "events" { select 1 as e }\nselect 1 as e`,
    });
    expect(errors(graph)).toEqual([]);
    expect(table(graph, "daily")).toMatchObject({ type: "table", tags: ["daily"], query: `select * from "raw"."events"`, strata: { location: { file: "definitions/api.js", line: 2 } } });
    expect(table(graph, "v")).toMatchObject({ type: "view", materialized: true, uniqueKey: ["id"] });
    expect(graph.assertions[0]).toMatchObject({ target: { schema: "qa", name: "daily_nonempty" }, strata: { severity: "warn" } });
    expect(graph.operations[0]).toMatchObject({ queries: [`vacuum "analytics"."daily"`], tags: ["weekly"] });
    expect(graph.tests[0]).toMatchObject({ name: "t", testTarget: { schema: "analytics", name: "daily" }, testQuery: "select * from ( select 1 as e )", expectedOutputQuery: "\n\nselect 1 as e" });
  });

  it("quotes for Athena (lower case) when dataform.json says athena", () => {
    const { graph, dialect } = compile({
      "dataform.json": JSON.stringify({ warehouse: "athena", defaultSchema: "Lake" }),
      "definitions/Src.sqlx": `config { type: "view" }\nselect 1`,
      "definitions/b.sqlx": `config { type: "view" }\nselect * from \${ref("Src")}`,
    });
    expect(dialect).toBe("athena");
    expect(table(graph, "b").query).toBe(`\nselect * from "lake"."src"`);
  });

  it("reads workflow_settings.yaml (Dataform v3) keys", () => {
    const { graph } = compile({
      "workflow_settings.yaml": "defaultProject: p\ndefaultDataset: ds\ndefaultAssertionDataset: qa_ds\ndatasetSuffix: dev\nnamePrefix: x\nvars:\n  a: b\n",
      "definitions/m.sqlx": `config { type: "view" }\nselect '\${dataform.projectConfig.vars.a}'`,
    });
    expect(graph.projectConfig).toMatchObject({ defaultDatabase: "p", defaultSchema: "ds", assertionSchema: "qa_ds", schemaSuffix: "dev", tablePrefix: "x", vars: { a: "b" } });
    expect(graph.tables[0].target).toEqual({ database: "p", schema: "ds_dev", name: "x_m" });
  });

  it("warns about BigQuery-only keys instead of failing", () => {
    const { graph } = compile({ "definitions/m.sqlx": `config { type: "table", bigquery: { partitionBy: "d" } }\nselect 1` });
    expect(errors(graph)).toEqual([]);
    expect(graph.warnings?.[0]).toMatchObject({ fileName: "definitions/m.sqlx", line: 1, message: `config key "bigquery" is BigQuery-specific and is ignored by Strata` });
  });

  it("throws UserError only when the project cannot be read", () => {
    expect(() => compileProject("/nonexistent/strata-project")).toThrow(UserError);
  });

  it("loads files in sorted path order (later files see actions of earlier ones only through refs)", () => {
    const { graph } = compile({
      "definitions/b/x.sqlx": `config { type: "view", schema: "b" }\nselect 1`,
      "definitions/a/y.sqlx": `config { type: "view", schema: "a" }\nselect 1`,
      "assertions/check.sqlx": `config { type: "assertion" }\nselect * from \${ref("x")} where false`,
    });
    expect(graph.tables.map((t) => t.fileName)).toEqual(["definitions/a/y.sqlx", "definitions/b/x.sqlx"]);
    expect(graph.assertions[0]).toMatchObject({ target: { schema: "qa", name: "check" }, strata: { layer: "assertions" } });
  });

  it("caches transpiled SQLX by content and picks up edits", () => {
    const dir = writeProject({ "definitions/a.sqlx": `config { type: "view" }\nselect 1 as one` }, "cache");
    dirs.push(dir);
    expect(compileProject(dir, { cache: true }).graph.tables[0].query).toBe("\nselect 1 as one");
    const cacheFile = path.join(dir, ".strata/cache/sqlx-transpile.json");
    expect(Object.keys(JSON.parse(fs.readFileSync(cacheFile, "utf8")).entries)).toHaveLength(1);
    fs.writeFileSync(path.join(dir, "definitions/a.sqlx"), `config { type: "table" }\nselect 2 as two`);
    const again = compileProject(dir, { cache: true }).graph;
    expect(again.tables[0]).toMatchObject({ type: "table", query: "\nselect 2 as two" });
    // Only the entries still in use are kept.
    expect(Object.keys(JSON.parse(fs.readFileSync(cacheFile, "utf8")).entries)).toHaveLength(1);
  });

  it("reports a transpiler rejection as an error with the file", () => {
    const { graph } = compile({ "definitions/inc.sqlx": `config { type: "incremental" }\nselect 1\nincremental_where { a\n---\nb }` });
    expect(errors(graph)).toEqual([
      { message: "syntax error: 'incremental_where' code blocks may only contain a single SQL statement.", fileName: "definitions/inc.sqlx", line: 1 },
    ]);
  });

  it("adds the dependencies' inline assertions with dependOnDependencyAssertions / includeDependentAssertions", () => {
    const { graph } = compile({
      "definitions/a.sqlx": `config { type: "table", assertions: { nonNull: ["id"] } }\nselect 1 as id`,
      "definitions/b.sqlx": `config { type: "view", dependOnDependencyAssertions: true }\nselect * from \${ref("a")}`,
      "definitions/c.sqlx": `config { type: "view", dependencies: [{ name: "a", includeDependentAssertions: true }] }\nselect 1`,
      "definitions/d.sqlx": `config { type: "view" }\nselect * from \${ref("a")}`,
    });
    expect(errors(graph)).toEqual([]);
    const check = { schema: "qa", name: "analytics_a_assertions_rowConditions" };
    expect(table(graph, "b").dependencyTargets).toEqual([{ schema: "analytics", name: "a" }, check]);
    expect(table(graph, "c").dependencyTargets).toEqual([{ schema: "analytics", name: "a" }, check]);
    expect(table(graph, "d").dependencyTargets).toEqual([{ schema: "analytics", name: "a" }]);
  });
});
