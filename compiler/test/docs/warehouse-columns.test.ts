// Column types from the warehouse (`strata docs --warehouse-columns`): the mapping with a stub
// warehouse, and end to end on the real PostgreSQL server when it is reachable.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile";
import { buildDocsData } from "../../src/docs/docs-data";
import { generateDocs, readWarehouseColumnTypes } from "../../src/docs/generate";
import type { RelationInfo, Warehouse, WarehouseState } from "../../src/warehouse/warehouse";
import { copyFixture, FIXTURE } from "./helpers";

function stubWarehouse(relations: RelationInfo[]): Warehouse {
  const state: WarehouseState = { relations: new Map(relations.map((r) => [`${r.schema}.${r.name}`, r])), schemas: new Set() };
  return { readState: async () => state } as unknown as Warehouse;
}

const relation = (schema: string, name: string, columns: [string, string][]): RelationInfo => ({
  schema,
  name,
  kind: "table",
  columns: columns.map(([n, type]) => ({ name: n, type, nullable: true })),
  dependents: [],
  grants: [],
});

describe("docs with warehouse column types", () => {
  it("shows the warehouse's types, keeps declared descriptions, and adds undeclared columns", async () => {
    const { graph } = compileProject(FIXTURE);
    const wh = stubWarehouse([relation("marts", "sales_by_country", [["country", "text"], ["revenue", "numeric(12,2)"], ["extra_col", "date"]])]);
    const data = buildDocsData(graph, { projectName: "p", columnTypes: await readWarehouseColumnTypes(wh, graph) });
    const columns = data.nodes.find((n) => n.id === "marts.sales_by_country")!.columns;
    expect(columns.map((c) => [c.name, c.type, c.typeSource, c.description])).toEqual([
      ["country", "text", "warehouse", "ISO country code"],
      ["revenue", "numeric(12,2)", "warehouse", "Sum of order amounts in EUR"],
      ["extra_col", "date", "warehouse", undefined],
    ]);
    // Models not built yet keep their declared columns, untyped.
    expect(data.nodes.find((n) => n.id === "ods.ods_orders")!.columns.every((c) => c.type === undefined)).toBe(true);
  });
});

/** Synchronous TCP probe, so describe.skipIf can use it. */
const probe = `require("net").connect(5432, "127.0.0.1").on("connect", () => process.exit(0)).on("error", () => process.exit(1))`;
const reachable = spawnSync(process.execPath, ["-e", probe], { timeout: 3000 }).status === 0;
if (!reachable) console.warn("skipping the PostgreSQL docs test: nothing listens on 127.0.0.1:5432");

describe.skipIf(!reachable)("strata docs --warehouse-columns on PostgreSQL", () => {
  const dir = copyFixture();
  const suffix = `h6docs_${Math.random().toString(36).slice(2, 8)}`;
  const url = "postgres://postgres@127.0.0.1:5432/test";
  afterAll(async () => {
    const { Client } = await import("pg");
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists marts_${suffix} cascade`);
    await client.end();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads the types of built models from the target", async () => {
    const config = JSON.parse(fs.readFileSync(path.join(dir, "dataform.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "dataform.json"), JSON.stringify({ ...config, schemaSuffix: suffix }));
    fs.writeFileSync(path.join(dir, "targets.yaml"), `default: pg\ntargets:\n  pg: { adapter: postgres, url: "${url}" }\n`);
    const { Client } = await import("pg");
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`create schema marts_${suffix}; create table marts_${suffix}.sales_by_country (country varchar(2), revenue numeric(12,2))`);
    await client.end();

    const { data, warnings } = await generateDocs({ projectDir: dir, warehouseColumns: true, lineage: false, outDir: path.join(dir, "site") });
    expect(warnings).toEqual([]);
    const node = data.nodes.find((n) => n.id === `marts_${suffix}.sales_by_country`)!;
    expect(node.columns.map((c) => `${c.name}:${c.type}`)).toEqual(["country:character varying(2)", "revenue:numeric(12,2)"]);
  });
});
