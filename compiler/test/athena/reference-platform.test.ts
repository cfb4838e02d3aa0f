// The reference platform (definitions/, includes/, assertions/, landing contracts) compiled for an
// Athena target, planned as for an empty warehouse (what `run --dry-run --target athena` shows, with
// no AWS access), and every statement checked against the Trino grammar (see sql-check.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileProject } from "../../src/compile";
import type { GraphAction } from "../../src/graph/types";
import { planAthena } from "../../src/plan/athena";
import { assertParses } from "./sql-check";

const ROOT = path.resolve(__dirname, "../../..");

/**
 * PostgreSQL-only SQL that Trino rejects or reads differently, and the includes/dialect.js helper
 * that emits the portable form. A model whose SQL still holds one of these is reported as not yet
 * portable (the README lists them); a grammar failure with no such cause fails the test.
 */
export const POSTGRES_ONLY: { pattern: RegExp; construct: string; use: string }[] = [
  { pattern: /\bas\s+numeric\b(?!\s*\()/i, construct: "cast(x as numeric) (no numeric type in Trino)", use: "dialect.cast(x, \"numeric(18, 2)\") → decimal(18, 2)" },
  { pattern: /\bgenerate_series\s*\(/i, construct: "generate_series()", use: "dialect.dateSeries(from, to) → unnest(sequence(...))" },
  { pattern: /\binterval\s+'\s*-?\d+\s+[a-z]+'/i, construct: "interval '1 day' (Trino: interval '1' day)", use: "dialect.interval(n, unit) / dialect.dateAdd(unit, n, expr)" },
  { pattern: /::\s*[a-z]/i, construct: "x::type casts", use: "dialect.cast(x, type)" },
  { pattern: /\bstring_agg\s*\(/i, construct: "string_agg()", use: "dialect.stringAgg(expr, sep)" },
  { pattern: /\bto_date\s*\(|\bto_timestamp\s*\(/i, construct: "to_date()/to_timestamp()", use: "dialect.toDate(text, format) / dialect.toTimestamp" },
  { pattern: /\bextract\s*\(\s*epoch\b/i, construct: "extract(epoch from x)", use: "dialect.epochSeconds(x)" },
  { pattern: /\bilike\b/i, construct: "ILIKE", use: "lower(x) like lower(pattern)" },
];

function postgresOnly(sql: string): string[] {
  return POSTGRES_ONLY.filter((p) => p.pattern.test(sql)).map((p) => p.construct);
}
let dir: string;

/** A copy of the project whose dataform.json says "athena" and whose targets.yaml has an athena target. */
function athenaCopy(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "strata-athena-ref-"));
  for (const folder of ["definitions", "includes", "assertions"]) {
    if (fs.existsSync(path.join(ROOT, folder))) fs.cpSync(path.join(ROOT, folder), path.join(out, folder), { recursive: true });
  }
  const landing = path.join(ROOT, "landing");
  if (fs.existsSync(landing)) {
    for (const source of fs.readdirSync(landing)) {
      const contract = path.join(landing, source, "contract.yaml");
      if (!fs.existsSync(contract)) continue;
      fs.mkdirSync(path.join(out, "landing", source), { recursive: true });
      fs.copyFileSync(contract, path.join(out, "landing", source, "contract.yaml"));
    }
  }
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, "dataform.json"), "utf8"));
  fs.writeFileSync(path.join(out, "dataform.json"), JSON.stringify({ ...config, warehouse: "athena" }, null, 2));
  fs.writeFileSync(
    path.join(out, "targets.yaml"),
    "default: athena\ntargets:\n  athena: { adapter: athena, region: eu-west-1, workgroup: primary, s3Staging: 's3://results/athena/', s3Data: 's3://lake/strata/' }\n",
  );
  return out;
}

const hasPlatform = fs.existsSync(path.join(ROOT, "definitions")) && fs.existsSync(path.join(ROOT, "dataform.json"));

describe.skipIf(!hasPlatform)("the reference platform on Athena", () => {
  beforeAll(() => {
    dir = athenaCopy();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("compiles, plans for an empty warehouse and parses as Trino", () => {
    const { graph, target, dialect } = compileProject(dir, { target: "athena" });
    expect(dialect).toBe("athena");
    expect(graph.graphErrors.compilationErrors).toEqual([]);
    const actions: GraphAction[] = [
      ...graph.tables.map((t) => ({ kind: "table" as const, ...t })),
      ...graph.assertions.map((a) => ({ kind: "assertion" as const, ...a })),
      ...graph.operations.map((o) => ({ kind: "operation" as const, ...o })),
    ].filter((a) => !a.disabled);
    expect(actions.length).toBeGreaterThan(0);
    const failures: string[] = [];
    const notPortable = new Map<string, Set<string>>();
    let checked = 0;
    const verify = (label: string, sql: string) => {
      checked++;
      const pgOnly = postgresOnly(sql);
      if (pgOnly.length > 0) {
        const set = notPortable.get(label) ?? new Set<string>();
        pgOnly.forEach((c) => set.add(c));
        notPortable.set(label, set);
      }
      try {
        assertParses(sql);
      } catch (err) {
        // A parse failure is explained only by a known PostgreSQL-only construct in the model SQL.
        if (pgOnly.length === 0) failures.push(`${label}: ${(err as Error).message.split("\n")[0].slice(0, 120)} :: ${sql.replace(/\s+/g, " ").slice(0, 300)}`);
      }
    };
    for (const action of actions) {
      const plan = planAthena(action, { relations: new Map(), schemas: new Set() }, { fullRefresh: false, runId: "dry", graph, target });
      const statements = [...plan.steps.flatMap((s) => s.statements), ...plan.cleanup, ...(plan.check ? [plan.check.countSql, plan.check.sampleSql] : [])];
      for (const sql of statements) verify(`${action.target.schema}.${action.target.name}`, sql);
      // The incremental run's MERGE/INSERT too, planned as if the table existed.
      if (action.kind === "table" && action.type === "incremental") {
        const info = { schema: action.target.schema, name: action.target.name, kind: "table" as const, columns: [{ name: "id", type: "bigint", nullable: false }], dependents: [], grants: [] };
        const later = planAthena(action, { relations: new Map([[`${action.target.schema}.${action.target.name}`, info]]), schemas: new Set([action.target.schema]) }, { fullRefresh: false, runId: "dry", graph, target });
        for (const sql of later.steps.flatMap((s) => s.statements)) verify(`${action.target.schema}.${action.target.name}`, sql);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(actions.length);
    // Every model is portable: dialect differences live in includes/ helpers, not in model SQL.
    expect([...notPortable].map(([name, constructs]) => `${name}: ${[...constructs].join("; ")}`)).toEqual([]);
  });
});
