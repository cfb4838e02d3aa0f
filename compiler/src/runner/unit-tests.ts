// `strata test`: Dataform's unit tests. Each `type: "test"` file names a model (`dataset`), gives
// its inputs as SQL (`input "orders" { select ... }`) and the expected output as its body. The
// compiler has already inlined the inputs in place of the model's refs; here we run the model's
// query and the expected query and compare columns, row count and values, as a readable diff.
//
// Incremental models (Dataform #1132): a test that also gives an input for the model itself (its
// rows before the run) exercises the incremental query, with `incremental()` true and `self()`
// reading that input; a test without one exercises the full query.
import { targetKey } from "../graph/select";
import type { CompiledGraph, Test } from "../graph/types";
import type { ResolvedTarget } from "../project/targets";
import type { Session } from "../warehouse/warehouse";
import type { ActionResult, RunResults } from "./results";
import { buildRunResults } from "./run-results";

export interface UnitTestResult {
  name: string;
  file: string;
  model: string;
  variant: "full" | "incremental";
  passed: boolean;
  durationMs: number;
  /** Multi-line, human readable: what differed. */
  diff?: string;
  /** The SQL failed to run. */
  error?: string;
}

export async function runUnitTests(graph: CompiledGraph, session: Session, names?: string[]): Promise<UnitTestResult[]> {
  const results: UnitTestResult[] = [];
  for (const test of graph.tests) {
    if (names?.length && !names.includes(test.name)) continue;
    results.push(await runUnitTest(test, session));
  }
  return results;
}

async function runUnitTest(test: Test, session: Session): Promise<UnitTestResult> {
  const started = Date.now();
  const model = targetKey(test.testTarget);
  const incremental = test.incrementalTestQuery !== undefined && test.inputs.some((i) => targetKey(i.target) === model);
  const base = { name: test.name, file: test.fileName, model, variant: incremental ? "incremental" : "full" } as const;
  try {
    // The CTE forms run on every PostgreSQL version; the inlined ones are Dataform's.
    const query = incremental ? (test.strataIncrementalTestQuery ?? test.incrementalTestQuery!) : (test.strataTestQuery ?? test.testQuery);
    const actual = await session.execute(stripSemicolon(query));
    const expected = await session.execute(stripSemicolon(test.strataExpectedOutputQuery ?? test.expectedOutputQuery));
    const diff = compareRows(
      actual.fields.map((f) => f.name),
      actual.rows,
      expected.fields.map((f) => f.name),
      expected.rows,
    );
    return { ...base, passed: diff === undefined, diff, durationMs: Date.now() - started };
  } catch (err) {
    return { ...base, passed: false, error: (err as Error).message.split("\n")[0], durationMs: Date.now() - started };
  }
}

/**
 * Unit test results in the run-results shape (one "test" action per test; a failure's diff is its
 * error), so `.strata/test_results.json` and `strata_meta` read like a run.
 */
export function unitTestRunResults(runId: string, target: Pick<ResolvedTarget, "name" | "adapter">, startedAt: Date, results: UnitTestResult[]): RunResults {
  const actions: ActionResult[] = results.map((r) => {
    const [schema, name] = [r.model.split(".")[0], r.name];
    return {
      name: r.name,
      target: { schema, name },
      type: "test",
      status: r.passed ? "success" : "failed",
      durationMs: r.durationMs,
      ...(r.passed ? {} : { error: r.error ?? r.diff }),
    };
  });
  return buildRunResults({ runId, target, startedAt, actions, cancelled: false });
}

function stripSemicolon(sql: string): string {
  return sql.trim().replace(/;\s*$/, "");
}

/**
 * Columns must match by name (order free); rows are compared as a multiset, order free, with
 * values normalised (numbers by value, dates as ISO text) so `1` equals `1.0` and `'2024-01-01'`
 * equals a date. Returns undefined when equal, else a readable diff.
 */
export function compareRows(
  actualColumns: string[],
  actualRows: Record<string, unknown>[],
  expectedColumns: string[],
  expectedRows: Record<string, unknown>[],
): string | undefined {
  const missingColumns = expectedColumns.filter((c) => !actualColumns.includes(c));
  const extraColumns = actualColumns.filter((c) => !expectedColumns.includes(c));
  if (missingColumns.length || extraColumns.length) {
    const lines = ["columns differ:"];
    if (missingColumns.length) lines.push(`  expected but missing: ${missingColumns.join(", ")}`);
    if (extraColumns.length) lines.push(`  unexpected: ${extraColumns.join(", ")}`);
    return lines.join("\n");
  }
  const columns = [...expectedColumns].sort();
  const key = (row: Record<string, unknown>) => JSON.stringify(columns.map((c) => normalise(row[c])));
  const remaining = new Map<string, number>();
  for (const row of actualRows) remaining.set(key(row), (remaining.get(key(row)) ?? 0) + 1);
  const missing: Record<string, unknown>[] = [];
  for (const row of expectedRows) {
    const k = key(row);
    const n = remaining.get(k) ?? 0;
    if (n > 0) remaining.set(k, n - 1);
    else missing.push(row);
  }
  const unexpected = actualRows.filter((row) => {
    const k = key(row);
    const n = remaining.get(k) ?? 0;
    if (n > 0) {
      remaining.set(k, n - 1);
      return true;
    }
    return false;
  });
  if (missing.length === 0 && unexpected.length === 0) return undefined;
  const lines: string[] = [];
  if (actualRows.length !== expectedRows.length) lines.push(`row count: expected ${expectedRows.length}, got ${actualRows.length}`);
  const show = (row: Record<string, unknown>) => expectedColumns.map((c) => `${c}=${display(row[c])}`).join(", ");
  for (const row of missing.slice(0, 10)) lines.push(`- expected: ${show(row)}`);
  for (const row of unexpected.slice(0, 10)) lines.push(`+ actual:   ${show(row)}`);
  if (missing.length > 10 || unexpected.length > 10) lines.push(`  … ${missing.length} missing and ${unexpected.length} unexpected rows in all`);
  return lines.join("\n");
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().replace(/T00:00:00\.000Z$/, "");
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

function display(value: unknown): string {
  const v = normalise(value);
  return v === null ? "NULL" : typeof v === "string" ? JSON.stringify(v) : String(v);
}
