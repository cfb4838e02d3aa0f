// Compatibility with Dataform: the same fixture project compiled by `dataform compile --json`
// (@dataform/cli) and by Strata gives the same actions, dependencies, tags, flags and query
// text, apart from identifier quoting (Dataform quotes BigQuery style: `db.schema.name`).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile";
import type { CompiledGraph, Target } from "../../src/graph/types";
import { makeTempDir, removeDir, repoRoot } from "./helpers";

const fixture = path.join(__dirname, "fixtures/dataform-compat");
const cliPackage = path.join(repoRoot, "node_modules/@dataform/cli/package.json");
const hasDataformCli = fs.existsSync(cliPackage);

let dir: string;
let theirs: CompiledGraph;
let ours: CompiledGraph;

beforeAll(() => {
  if (!hasDataformCli) return;
  // The Dataform CLI compiles a project only with @dataform/core as a REAL directory in the
  // project's node_modules (a symlink fails) next to a package.json.
  dir = makeTempDir("dataform-compat");
  fs.cpSync(fixture, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "compat", version: "0.0.0", private: true }));
  fs.cpSync(path.join(repoRoot, "node_modules/@dataform/core"), path.join(dir, "node_modules/@dataform/core"), { recursive: true, dereference: true });
  const bin = path.join(path.dirname(cliPackage), JSON.parse(fs.readFileSync(cliPackage, "utf8")).bin.dataform);
  const r = spawnSync(process.execPath, [bin, "compile", dir, "--json", "--vars=region=us"], { encoding: "utf8", cwd: dir, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`dataform compile failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  theirs = JSON.parse(r.stdout);
  ours = compileProject(dir, { vars: { region: "us" } }).graph;
});

afterAll(() => dir && removeDir(dir));

/** `proj.schema.name` in backticks → "proj"."schema"."name". */
const requote = (sql: string | undefined) => sql?.replace(/`([^`]+)`/g, (_, p: string) => p.split(".").map((x) => `"${x}"`).join("."));
const key = (t: Target) => `${t.schema}.${t.name}`;
type AnyAction = { target: Target; dependencyTargets?: Target[]; [k: string]: unknown };

function byKey(list: AnyAction[]): Map<string, AnyAction> {
  return new Map(list.map((a) => [key(a.target), a]));
}

describe.skipIf(!hasDataformCli)("Dataform compatibility (dataform compile --json vs strata)", () => {
  it("both compile the fixture without errors", () => {
    expect(theirs.graphErrors?.compilationErrors ?? []).toEqual([]);
    expect(ours.graphErrors.compilationErrors).toEqual([]);
  });

  for (const kind of ["tables", "operations", "assertions", "declarations"] as const) {
    it(`has the same ${kind}, dependencies, tags and query text`, () => {
      const a = byKey(theirs[kind] as unknown as AnyAction[]);
      const b = byKey(ours[kind] as unknown as AnyAction[]);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      expect(a.size).toBeGreaterThan(0);
      for (const [k, x] of a) {
        const y = b.get(k)!;
        const deps = (v: AnyAction) => (v.dependencyTargets ?? []).map(key).sort();
        expect({ k, deps: deps(y) }).toEqual({ k, deps: deps(x) });
        expect({ k, tags: y.tags ?? [] }).toEqual({ k, tags: x.tags ?? [] });
        for (const field of ["query", "incrementalQuery", "type"]) {
          expect({ k, field, v: y[field] }).toEqual({ k, field, v: requote(x[field] as string | undefined) });
        }
        for (const field of ["queries", "preOps", "postOps", "uniqueKey"]) {
          const theirsList = ((x[field] as string[] | undefined) ?? []).map((s) => requote(s));
          expect({ k, field, v: y[field] ?? [] }).toEqual({ k, field, v: theirsList });
        }
        for (const flag of ["protected", "materialized", "hasOutput", "disabled"]) {
          expect({ k, flag, v: !!y[flag] }).toEqual({ k, flag, v: !!x[flag] });
        }
        const desc = (v: AnyAction) => (v.actionDescriptor as { description?: string } | undefined)?.description;
        expect({ k, description: desc(y) }).toEqual({ k, description: desc(x) });
        const parent = (v: AnyAction) => (v.parentAction ? key(v.parentAction as Target) : undefined);
        expect({ k, parent: parent(y) }).toEqual({ k, parent: parent(x) });
      }
    });
  }

  it("has the same tests (test query with inputs substituted, expected output)", () => {
    expect(ours.tests.map((t) => [t.name, t.testQuery, t.expectedOutputQuery])).toEqual(
      theirs.tests.map((t) => [t.name, requote(t.testQuery), requote(t.expectedOutputQuery)]),
    );
  });

  it("applied --vars like Dataform", () => {
    expect(ours.tables.find((t) => t.target.name === "stg_customers")!.query).toContain("region = 'us'");
  });
});
