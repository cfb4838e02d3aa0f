// Selection (--actions, --tags, --include-deps, --include-dependents), topological order, quoting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile";
import { quoteIdentifier, quoteTarget } from "../../src/graph/quote";
import { allActions, dependentsOf, selectActions, targetKey } from "../../src/graph/select";
import type { CompiledGraph } from "../../src/graph/types";
import { removeDir, writeProject } from "./helpers";

let dir: string;
let graph: CompiledGraph;

// src → stg_a → ods_x → mart_1 ; stg_b → ods_x ; mart_2 (alone, tagged weekly)
beforeAll(() => {
  const view = (schema: string, refs: string[], tags: string[] = []) =>
    `config { type: "view", schema: "${schema}", tags: ${JSON.stringify(tags)} }\nselect 1 ${refs.map((r) => `from \${ref("${r}")}`).join(" ")}`;
  dir = writeProject({
    "definitions/src.sqlx": `config { type: "declaration", schema: "raw" }`,
    "definitions/mart_1.sqlx": view("marts", ["ods_x"], ["daily"]),
    "definitions/mart_2.sqlx": view("marts", [], ["weekly"]),
    "definitions/ods_x.sqlx": view("ods", ["stg_a", "stg_b"], ["daily"]),
    "definitions/stg_a.sqlx": view("staging", ["src"]),
    "definitions/stg_b.sqlx": view("staging", []),
  }, "select");
  graph = compileProject(dir).graph;
});
afterAll(() => removeDir(dir));

const names = (actions: { target: { name: string } }[]) => actions.map((a) => a.target.name);

describe("selection", () => {
  it("orders all actions so dependencies come first", () => {
    const order = names(allActions(graph));
    expect(order).toHaveLength(6);
    for (const [before, after] of [["src", "stg_a"], ["stg_a", "ods_x"], ["stg_b", "ods_x"], ["ods_x", "mart_1"]]) {
      expect(order.indexOf(before)).toBeLessThan(order.indexOf(after));
    }
  });

  it("selects by name, schema.name and wildcards", () => {
    expect(names(selectActions(graph, { actions: ["ods_x"] }))).toEqual(["ods_x"]);
    expect(names(selectActions(graph, { actions: ["marts.mart_2"] }))).toEqual(["mart_2"]);
    expect(names(selectActions(graph, { actions: ["staging.*"] })).sort()).toEqual(["stg_a", "stg_b"]);
    expect(names(selectActions(graph, { actions: ["mart_*"] })).sort()).toEqual(["mart_1", "mart_2"]);
    expect(selectActions(graph, { actions: ["nothing"] })).toEqual([]);
  });

  it("selects by tag, with dependencies or dependents", () => {
    expect(names(selectActions(graph, { tags: ["weekly"] }))).toEqual(["mart_2"]);
    expect(names(selectActions(graph, { tags: ["daily"] })).sort()).toEqual(["mart_1", "ods_x"]);
    const withDeps = names(selectActions(graph, { actions: ["ods_x"], includeDeps: true }));
    expect([...withDeps].sort()).toEqual(["ods_x", "src", "stg_a", "stg_b"]);
    expect(withDeps.indexOf("stg_a")).toBeLessThan(withDeps.indexOf("ods_x"));
    expect(names(selectActions(graph, { actions: ["stg_a"], includeDependents: true }))).toEqual(["stg_a", "ods_x", "mart_1"]);
    // Both: ancestors and descendants of the selection, not the descendants of its ancestors (stg_b's other dependents).
    expect(names(selectActions(graph, { actions: ["ods_x"], includeDeps: true, includeDependents: true })).sort()).toEqual(["mart_1", "ods_x", "src", "stg_a", "stg_b"]);
  });

  it("empty selection means everything", () => {
    expect(selectActions(graph, {})).toHaveLength(6);
  });

  it("maps each action to its direct dependents", () => {
    const dependents = dependentsOf(graph);
    expect(dependents.get("ods.ods_x")).toEqual(["marts.mart_1"]);
    expect(dependents.get("staging.stg_b")).toEqual(["ods.ods_x"]);
    expect(targetKey({ schema: "a", name: "b" })).toBe("a.b");
  });

  it("selects in linear time on a long chain", () => {
    const n = 20000;
    const big: CompiledGraph = { ...graph, tables: [], assertions: [], operations: [], declarations: [] };
    for (let i = 0; i < n; i++) {
      big.tables.push({
        target: { schema: "s", name: `t${i}` },
        canonicalTarget: { schema: "s", name: `t${i}` },
        type: "view",
        enumType: "VIEW",
        query: "",
        dependencyTargets: i ? [{ schema: "s", name: `t${i - 1}` }] : [],
        tags: [],
        fileName: "x",
      });
    }
    big.tables.reverse();
    const started = performance.now();
    const selected = selectActions(big, { actions: [`t${n - 1}`], includeDeps: true });
    expect(selected).toHaveLength(n);
    expect(selected[0].target.name).toBe("t0");
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("quoting", () => {
  it("quotes PostgreSQL identifiers with \"\" escaping, keeping case", () => {
    expect(quoteIdentifier('we"ird', "postgres")).toBe('"we""ird"');
    expect(quoteTarget({ schema: "Ods", name: "Orders" }, "postgres")).toBe('"Ods"."Orders"');
    expect(quoteTarget({ database: "db", schema: "s", name: "t" }, "postgres")).toBe('"db"."s"."t"');
  });

  it("quotes Athena identifiers in lower case, as the Glue catalog stores them", () => {
    expect(quoteTarget({ schema: "Lake", name: "Orders" }, "athena")).toBe('"lake"."orders"');
  });
});
