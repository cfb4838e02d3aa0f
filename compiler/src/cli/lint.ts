// `strata lint [project-dir] [--json]`: SQL-aware rules for CI; exit 1 when any error-level finding.
import type { Command } from "commander";
import { compileProject } from "../compile";
import { placed } from "./compile";
import { ExitCode, UserError } from "../errors";
import { parseVars } from "../project/config";

export function registerLint(program: Command): void {
  program
    .command("lint")
    .description("check models: undeclared dependencies, select * in marts, missing descriptions, ...")
    .argument("[project-dir]", "the project directory", ".")
    .option("--json", "print findings as JSON")
    .option("--target <name>", "target from targets.yaml (picks the SQL dialect)")
    .option("--vars <pairs>", "project variables as key=value,key=value (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--no-cache", "re-analyse every model instead of using .strata/cache")
    .action(async (dir: string, opts: { json?: boolean; target?: string; vars: string[]; cache: boolean }) => {
      const { graph, projectDir, target } = compileProject(dir, { target: opts.target, vars: parseVars(opts.vars) });
      const compileErrors = graph.graphErrors.compilationErrors;
      if (compileErrors.length > 0) {
        for (const e of compileErrors) process.stderr.write(`error: ${placed(e)}\n`);
        process.exitCode = ExitCode.invalid;
        return;
      }
      if (target.dialect !== "postgres") throw new UserError(`strata lint analyses PostgreSQL SQL; target "${target.name}" is ${target.dialect}`);
      const { analyzeGraph } = await import("../analysis/analyze");
      const { lint } = await import("../analysis/lint");
      const started = performance.now();
      const analysis = await analyzeGraph(graph, { projectDir, useCache: opts.cache });
      const analysisMs = Math.round(performance.now() - started);
      const findings = lint(graph, analysis, projectDir);
      const errors = findings.filter((f) => f.severity === "error").length;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ findings, errors, warnings: findings.length - errors, analysisMs, cache: analysis.cache }, null, 2)}\n`);
      } else {
        for (const f of findings) process.stdout.write(`${f.file}${f.line ? `:${f.line}` : ""}: ${f.severity} ${f.rule}: ${f.message}\n`);
        process.stdout.write(`${findings.length === 0 ? "✓ no findings" : `${errors} error(s), ${findings.length - errors} warning(s)`} in ${analysis.actions.size} actions\n`);
        process.stderr.write(`analysed in ${analysisMs} ms (cache: ${analysis.cache.hits} hits, ${analysis.cache.misses} misses)\n`);
      }
      if (errors > 0) process.exitCode = ExitCode.actionFailed;
    });
}
