// Hand-built actions, warehouse states and a fixed run id for plan tests, and a renderer that
// turns a plan into the SQL text the golden files hold.
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { Assertion, CompiledGraph, Table, Target } from "../../src/graph/types";
import { emptyGraph } from "../helpers/graphs";
import type { ActionPlan, PlanOptions } from "../../src/plan/plan";
import type { DependentObject, RelationInfo, WarehouseState } from "../../src/warehouse/warehouse";

export const RUN_ID = "20260101_000000_ab12";

export const graph: CompiledGraph = emptyGraph({ defaultSchema: "marts", assertionSchema: "strata_assertions" });

export function options(overrides: Partial<PlanOptions> = {}): PlanOptions {
  return { fullRefresh: false, runId: RUN_ID, graph, ...overrides };
}

export type TableAction = { kind: "table" } & Table;

export function table(target: Target, fields: Partial<Table> = {}): TableAction {
  return {
    kind: "table",
    target,
    canonicalTarget: target,
    type: "table",
    enumType: "TABLE",
    query: "select 1 as id",
    dependencyTargets: [],
    tags: [],
    fileName: `definitions/${target.name}.sqlx`,
    ...fields,
  };
}

export function incremental(target: Target, fields: Partial<Table> = {}): TableAction {
  return table(target, { type: "incremental", enumType: "INCREMENTAL", ...fields });
}

export function view(target: Target, fields: Partial<Table> = {}): TableAction {
  return table(target, { type: "view", enumType: "VIEW", ...fields });
}

export function assertion(target: Target, query: string): { kind: "assertion" } & Assertion {
  return { kind: "assertion", target, canonicalTarget: target, query, dependencyTargets: [], tags: [], fileName: "assertions/a.sqlx" };
}

export function state(relations: RelationInfo[] = [], schemas: string[] = []): WarehouseState {
  return {
    relations: new Map(relations.map((r) => [`${r.schema}.${r.name}`, r])),
    schemas: new Set([...schemas, ...relations.map((r) => r.schema)]),
  };
}

export function relationInfo(fields: Partial<RelationInfo> & Pick<RelationInfo, "schema" | "name" | "kind">): RelationInfo {
  return { columns: [], dependents: [], grants: [], ...fields };
}

export function dependent(fields: Partial<DependentObject> & Pick<DependentObject, "schema" | "name" | "kind" | "definition">): DependentObject {
  return { indexes: [], grants: [], ...fields };
}

/** The plan as the SQL a run executes, with its steps, notices and cleanup as comments. */
export function renderPlan(plan: ActionPlan): string {
  const out: string[] = [`-- ${plan.target.schema}.${plan.target.name}: ${plan.materialization}`];
  for (const notice of plan.notices) out.push(`-- notice: ${notice}`);
  if (plan.requireExists) out.push(`-- requires ${plan.requireExists.target.schema}.${plan.requireExists.target.name}: ${plan.requireExists.message}`);
  for (const step of plan.steps) {
    out.push("", `-- step: ${step.description}${step.transactional ? " (one transaction)" : ""}`);
    if (step.transactional) out.push("begin;");
    for (const sql of step.statements) out.push(`${sql};`);
    if (step.transactional) out.push("commit;");
  }
  if (plan.check) out.push("", "-- check: count", `${plan.check.countSql};`, "-- check: sample", `${plan.check.sampleSql};`);
  if (plan.cleanup.length) out.push("", "-- cleanup (after a failure)", ...plan.cleanup.map((s) => `${s};`));
  return `${out.join("\n")}\n`;
}

const GOLDENS = path.join(__dirname, "goldens", "postgres");

/** Compares with goldens/postgres/<name>.sql; UPDATE_GOLDENS=1 writes the file instead. */
export function expectGolden(name: string, sql: string): void {
  const file = path.join(GOLDENS, `${name}.sql`);
  if (process.env.UPDATE_GOLDENS === "1") {
    fs.mkdirSync(GOLDENS, { recursive: true });
    fs.writeFileSync(file, sql);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`golden ${file} is missing: run with UPDATE_GOLDENS=1 to write it`);
  expect(sql).toBe(fs.readFileSync(file, "utf8"));
}
