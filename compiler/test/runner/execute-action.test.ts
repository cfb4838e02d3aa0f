// One action on a real (in-memory PGlite) warehouse, with hand-written plans: steps, assertion
// checks and samples, required declarations, cleanup on failure, and the retry policy; and the rows
// real incremental plans report. The strata_meta tests share the same warehouse (starting one costs
// about a second).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompiledGraph, GraphAction, Table, Target } from "../../src/graph/types";
import type { ActionPlan, PlanFunction, PlanOptions } from "../../src/plan/plan";
import { executeAction, type ExecuteContext } from "../../src/runner/execute-action";
import { ensureMetaTables, recordRunResults, recordRunStart } from "../../src/runner/meta";
import { results } from "./sample-results";
import { StateCache } from "../../src/runner/state-cache";
import { PgliteWarehouse } from "../../src/warehouse/pglite";
import { planPostgres } from "../../src/plan/postgres";
import { incremental } from "../plan/fixtures";

const schema = `runner_exec_${Math.random().toString(36).slice(2, 8)}`;
const t = (name: string): Target => ({ schema, name });

const graph = { projectConfig: { warehouse: "postgres", defaultSchema: schema, assertionSchema: schema } } as CompiledGraph;
const planOptions: PlanOptions = { fullRefresh: false, runId: "test_run", graph };

function tableAction(name: string): GraphAction {
  return { kind: "table", target: t(name), canonicalTarget: t(name), type: "table", enumType: "TABLE", query: "", dependencyTargets: [], tags: [], fileName: "x.sqlx" };
}
function operation(name: string): GraphAction {
  return { kind: "operation", target: t(name), canonicalTarget: t(name), queries: [], dependencyTargets: [], tags: [], fileName: "x.sqlx" };
}
function assertionAction(name: string, severity?: "warn" | "error"): GraphAction {
  return { kind: "assertion", target: t(name), canonicalTarget: t(name), query: "", dependencyTargets: [], tags: [], fileName: "x.sqlx", strata: severity ? { severity } : undefined };
}

const plan = (p: Partial<ActionPlan>): ActionPlan => ({
  target: t("x"),
  materialization: "table",
  steps: [],
  cleanup: [],
  notices: [],
  ...p,
});

let wh: PgliteWarehouse;
beforeAll(async () => {
  wh = new PgliteWarehouse();
  await wh.connect();
  await wh.execute(`create schema ${schema}`);
});
afterAll(async () => {
  await wh?.close();
});

function context(planFn: PlanFunction, extra: Partial<ExecuteContext> = {}): ExecuteContext {
  return { warehouse: wh, plan: planFn, planOptions, state: new StateCache(wh), isTransient: () => false, retryDelayMs: 1, ...extra };
}
const never = new AbortController().signal;

describe("executeAction", () => {
  it("runs the steps in order and reports the rows the build produced", async () => {
    const ctx = context(() =>
      plan({
        steps: [
          { description: "build", statements: [`create table ${schema}.built as select g from generate_series(1, 42) g`], transactional: false },
          { description: "more", statements: [`insert into ${schema}.built values (43)`, `alter table ${schema}.built add column c int`], transactional: true },
        ],
      }),
    );
    const out = await executeAction(tableAction("built"), ctx, never);
    expect(out).toMatchObject({ status: "success", rowsAffected: 43, statements: 3, attempts: 1 });
    const rows = await wh.execute(`select count(*)::int as n from ${schema}.built`);
    expect(rows.rows[0].n).toBe(43);
  });

  it("counts an incremental's new rows once, not again when they are copied from their temp table", async () => {
    await wh.execute(`create table ${schema}.src (id int, v text); insert into ${schema}.src values (1, 'a'), (2, 'b'), (3, 'c')`);
    const ctx = context(planPostgres, { planOptions: { ...planOptions, runId: "count_rows" } });
    const strategies: [string, Partial<Table>][] = [
      ["appended", {}],
      ["replaced", { uniqueKey: ["id"], strata: { incrementalStrategy: "delete+insert" } }],
      ["merged", { uniqueKey: ["id"] }],
    ];
    for (const [name, fields] of strategies) {
      const action = incremental(t(name), { query: `select id, v from ${schema}.src`, ...fields }) as GraphAction;
      expect((await executeAction(action, ctx, never)).rowsAffected).toBe(3); // the first build
      expect((await executeAction(action, ctx, never)).rowsAffected).toBe(3); // the same rows again
    }
    expect((await wh.execute(`select count(*)::int as n from ${schema}.appended`)).rows[0].n).toBe(6);
    expect((await wh.execute(`select count(*)::int as n from ${schema}.replaced`)).rows[0].n).toBe(3);
  });

  it("rolls back a failed transactional step, runs the cleanup and reports one line", async () => {
    const ctx = context(() =>
      plan({
        steps: [
          { description: "build temp", statements: [`create table ${schema}.t__strata_tmp_test_run (a int)`], transactional: false },
          { description: "swap", statements: [`create table ${schema}.half (a int)`, `select * from ${schema}.missing_relation`], transactional: true },
        ],
        cleanup: [`drop table if exists ${schema}.t__strata_tmp_test_run`],
      }),
    );
    const out = await executeAction(tableAction("half"), ctx, never);
    expect(out.status).toBe("failed");
    expect(out.error).toMatch(/missing_relation.*does not exist/);
    expect(out.error).not.toContain("\n");
    const left = await wh.execute(`select table_name from information_schema.tables where table_schema = '${schema}' and table_name in ('half', 't__strata_tmp_test_run')`);
    expect(left.rows).toEqual([]);
  });

  it("counts failing assertion rows, keeps a sample of five, and fails or warns by severity", async () => {
    const check = {
      countSql: `select count(*) from generate_series(1, 7) g where g > 0`,
      sampleSql: `select g as id, 'row ' || g as label from generate_series(1, 7) g`,
    };
    const ctx = context(() => plan({ materialization: "assertion", check }));
    const failed = await executeAction(assertionAction("a_error"), ctx, never);
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe("7 failing rows");
    expect(failed.assertion?.severity).toBe("error");
    expect(failed.assertion?.failingRows).toBe(7);
    expect(failed.assertion?.sample).toHaveLength(5);
    expect(failed.assertion?.sample[0]).toEqual({ id: 1, label: "row 1" });

    const warned = await executeAction(assertionAction("a_warn", "warn"), ctx, never);
    expect(warned).toMatchObject({ status: "warned", error: "7 failing rows" });

    const passing = context(() => plan({ materialization: "assertion", check: { countSql: "select 0 as n", sampleSql: "select 1" } }));
    const ok = await executeAction(assertionAction("a_ok"), passing, never);
    expect(ok).toMatchObject({ status: "success", assertion: { failingRows: 0, sample: [] } });
  });

  it("fails a declaration whose relation is missing, with the plan's message", async () => {
    const decl: GraphAction = { kind: "declaration", target: t("raw_orders"), canonicalTarget: t("raw_orders"), fileName: "d.sqlx" };
    const ctx = context(() => plan({ materialization: "declaration", requireExists: { target: t("raw_orders"), message: `declared source ${schema}.raw_orders does not exist` } }));
    const missing = await executeAction(decl, ctx, never);
    expect(missing).toMatchObject({ status: "failed", error: `declared source ${schema}.raw_orders does not exist` });
    await wh.execute(`create table ${schema}.raw_orders (id int)`);
    const present = await executeAction(decl, context(ctx.plan), never);
    expect(present.status).toBe("success");
  });

  it("retries transient errors with backoff, but never operations", async () => {
    let calls = 0;
    const flaky: PlanFunction = () => {
      calls++;
      return plan({ steps: [{ description: "x", statements: [calls < 3 ? "select 1/0" : "select 1"], transactional: false }] });
    };
    const ctx = context(flaky, { isTransient: (e) => /division by zero/.test(String((e as Error).message)), maxRetries: 2 });
    const out = await executeAction(tableAction("flaky"), ctx, never);
    expect(out).toMatchObject({ status: "success", attempts: 3 });

    calls = 0;
    const op = await executeAction(operation("once"), ctx, never);
    expect(op).toMatchObject({ status: "failed", attempts: 1 });
    expect(calls).toBe(1);
  });

  it("is cancelled, and cleans up, when the signal fires between steps", async () => {
    const controller = new AbortController();
    const ctx = context(() =>
      plan({
        steps: [
          { description: "build temp", statements: [`create table ${schema}.c__strata_tmp_test_run as select 1 as a`], transactional: false },
          { description: "swap", statements: [`alter table ${schema}.c__strata_tmp_test_run rename to c`], transactional: true },
        ],
        cleanup: [`drop table if exists ${schema}.c__strata_tmp_test_run`],
      }),
      { onNotice: () => controller.abort() },
    );
    const withNotice: PlanFunction = (a, s, o) => ({ ...ctx.plan(a, s, o), notices: ["hello"] });
    const out = await executeAction(tableAction("c"), { ...ctx, plan: withNotice }, controller.signal);
    expect(out.status).toBe("cancelled");
    const left = await wh.execute(`select table_name from information_schema.tables where table_schema = '${schema}' and table_name like 'c%'`);
    expect(left.rows).toEqual([]);
  });
});

describe("strata_meta", () => {
  it("creates its tables once and records a run with every action", async () => {
    await ensureMetaTables(wh);
    await ensureMetaTables(wh); // idempotent
    await recordRunStart(wh, { runId: results.runId, target: "local", adapter: "pglite", projectDir: "/p/it's", startedAt: results.startedAt });
    const running = await wh.execute(`select status, project_dir from strata_meta.runs where run_id = '${results.runId}'`);
    expect(running.rows).toEqual([{ status: "running", project_dir: "/p/it's" }]);

    await recordRunResults(wh, results);
    const run = await wh.execute(`select status, exit_code, totals->>'failed' as failed from strata_meta.runs`);
    expect(run.rows).toEqual([{ status: "failed", exit_code: 1, failed: "2" }]);
    const actions = await wh.execute(
      `select action_name, status, rows_affected::int as rows, failing_rows::int as failing, sample->0->>'note' as note, skipped_because
       from strata_meta.action_results order by action_name`,
    );
    expect(actions.rows).toEqual([
      { action_name: "marts.sales", status: "failed", rows: null, failing: null, note: null, skipped_because: null },
      { action_name: "marts.top", status: "skipped", rows: null, failing: null, note: null, skipped_because: "dependency marts.sales failed" },
      { action_name: "staging.orders", status: "success", rows: 1234, failing: null, note: null, skipped_because: null },
      { action_name: "staging.orders_assertions_nonNull", status: "failed", rows: null, failing: 3, note: "it's null", skipped_because: null },
    ]);
  });
});
