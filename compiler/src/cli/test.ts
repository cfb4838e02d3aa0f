// `strata test [project-dir]`: runs the project's unit tests (`type: "test"`) on the target's
// engine. They are hermetic — inputs are inlined SQL — so on PGlite they run in a fresh in-memory
// database and never touch (or lock) the project's warehouse.
import path from "node:path";
import type { Command } from "commander";
import { compileProject } from "../compile";
import { placed } from "./compile";
import { ExitCode, UserError } from "../errors";
import { parseVars } from "../project/config";
import type { ResolvedTarget } from "../project/targets";
import { redact } from "../redact";
import type { UnitTestResult } from "../runner/unit-tests";

export function registerTest(program: Command): void {
  program
    .command("test")
    .description("run the unit tests (type: \"test\") and show a diff for each failure")
    .argument("[project-dir]", "the project directory", ".")
    .option("--target <name>", "target from targets.yaml whose engine runs the tests")
    .option("--vars <pairs>", "project variables as key=value,key=value (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--tests <names>", "only these tests (comma-separated)")
    .option("--json", "print the results as JSON")
    .action(async (dir: string, opts: { target?: string; vars: string[]; tests?: string; json?: boolean }) => {
      const { graph, target, projectDir } = compileProject(path.resolve(dir), { target: opts.target, vars: parseVars(opts.vars) });
      const errors = graph.graphErrors.compilationErrors;
      if (errors.length > 0) {
        for (const e of errors) process.stderr.write(`error: ${placed(e)}\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
      const names = opts.tests?.split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = names?.filter((n) => !graph.tests.some((t) => t.name === n)) ?? [];
      if (unknown.length) throw new UserError(`no unit test named ${unknown.join(", ")}`);

      const { createWarehouse } = await import("../warehouse");
      const { runUnitTests, unitTestRunResults } = await import("../runner/unit-tests");
      const { newRunId } = await import("../runner/run");
      const { writeRunResults } = await import("../runner/write-results");
      const meta = await import("../runner/meta");
      const warehouse = createWarehouse(testTarget(target), { projectDir });
      await warehouse.connect();
      const startedAt = new Date();
      let results: UnitTestResult[];
      try {
        results = await warehouse.withSession((session) => runUnitTests(graph, session, names));
        const record = unitTestRunResults(newRunId(startedAt), target, startedAt, results);
        writeRunResults(projectDir, record, "test_results.json");
        // History on a PostgreSQL server; PGlite tests run in a throwaway in-memory database.
        if (target.adapter === "postgres") {
          await meta.ensureMetaTables(warehouse);
          await meta.recordRunStart(warehouse, { runId: record.runId, target: target.name, adapter: target.adapter, projectDir, startedAt: record.startedAt });
          await meta.recordRunResults(warehouse, record);
        }
      } finally {
        await warehouse.close();
      }
      const failed = results.filter((r) => !r.passed);
      if (opts.json) process.stdout.write(`${redact(JSON.stringify({ results, passed: results.length - failed.length, failed: failed.length }, null, 2))}\n`);
      else process.stdout.write(redact(formatResults(results)));
      if (failed.length > 0) process.exitCode = ExitCode.actionFailed;
    });
}

/** PGlite tests run in memory: hermetic, fast, and no lock on the project's warehouse. */
function testTarget(target: ResolvedTarget): ResolvedTarget {
  return target.adapter === "pglite" ? { ...target, config: { ...target.config, path: ":memory:" } } : target;
}

function formatResults(results: UnitTestResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const label = `${r.name} (${r.model}, ${r.variant} query)`;
    if (r.passed) lines.push(`✓ ${label}  ${r.durationMs}ms`);
    else {
      lines.push(`✗ ${label}  ${r.file}`);
      for (const l of (r.error ? `error: ${r.error}` : r.diff ?? "").split("\n")) lines.push(`    ${l}`);
    }
  }
  const failed = results.filter((r) => !r.passed).length;
  lines.push(results.length === 0 ? "no unit tests in this project" : `${results.length - failed} passed, ${failed} failed`);
  return `${lines.join("\n")}\n`;
}
