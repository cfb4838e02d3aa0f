// `strata compile [project-dir]`: compile the project, print a summary (or the graph as JSON with
// --json), one line per error as `file:line:col: message`, exit 2 on any compile error.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { type CompileResult, compileProject } from "../compile";
import { ExitCode, StrataError, formatWithPlace } from "../errors";
import { collectActions, type Selection, selectActions } from "../graph/select";
import type { CompilationError, CompiledGraph, GraphAction } from "../graph/types";
import { parseVars } from "../project/config";

interface CompileFlags {
  json?: boolean;
  target?: string;
  vars: string[];
  actions: string[];
  tags: string[];
  includeDeps?: boolean;
  includeDependents?: boolean;
  watch?: boolean;
}

export const list = (v: string, all: string[]) => [...all, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description("compile the project's SQLX models into a dependency graph and report errors")
    .argument("[project-dir]", "the project directory", ".")
    .option("--json", "print the compiled graph as JSON (Dataform's CompiledGraph shape)")
    .option("--target <name>", "target from targets.yaml (picks identifier quoting)")
    .option("--vars <pairs>", "project variables as key=value,key=value (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--actions <names>", "only these actions: names, schema.name, * wildcards (comma-separated, repeatable)", list, [] as string[])
    .option("--tags <tags>", "only actions with one of these tags (comma-separated, repeatable)", list, [] as string[])
    .option("--include-deps", "also the selected actions' dependencies, transitively")
    .option("--include-dependents", "also the actions that depend on the selected ones, transitively")
    .option("--watch", "recompile whenever a project file changes")
    .action(async (dir: string, flags: CompileFlags) => {
      const selection: Selection = {
        actions: flags.actions,
        tags: flags.tags,
        includeDeps: flags.includeDeps,
        includeDependents: flags.includeDependents,
      };
      const once = () => compileAndReport(dir, flags, selection);
      if (!flags.watch) {
        process.exitCode = once();
        // main.ts calls process.exit() when the action returns; on a pipe stdout is asynchronous,
        // so wait until everything written has been flushed (else `--json | jq` gets 64 KiB).
        await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
        return;
      }
      return watch(dir, once);
    });
}

function compileAndReport(dir: string, flags: CompileFlags, selection: Selection): number {
  const started = performance.now();
  const result = compileProject(dir, { target: flags.target, vars: parseVars(flags.vars) });
  const ms = performance.now() - started;
  const { graph } = result;
  const errors = graph.graphErrors.compilationErrors;
  const isSelective = (selection.actions?.length ?? 0) > 0 || (selection.tags?.length ?? 0) > 0;
  // Without a selection the summary only counts, so skip the topological sort.
  const selected = isSelective ? selectActions(graph, selection) : collectActions(graph);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(isSelective ? restrictGraph(graph, selected) : graph, null, 2)}\n`);
  } else {
    process.stdout.write(summary(result, selected, isSelective, ms));
  }
  for (const w of graph.warnings ?? []) process.stderr.write(`${placed(w)} (warning)\n`);
  for (const e of errors) process.stderr.write(`${placed(e)}\n`);
  if (errors.length > 0) {
    process.stderr.write(`${errors.length} compile error${errors.length === 1 ? "" : "s"}\n`);
    return ExitCode.invalid;
  }
  return ExitCode.ok;
}

export function placed(e: CompilationError): string {
  return formatWithPlace(e.message, { file: e.fileName, line: e.line, column: e.column });
}

function restrictGraph(graph: CompiledGraph, selected: GraphAction[]): CompiledGraph {
  const keep = new Set(selected.map((a) => `${a.target.database ?? ""}.${a.target.schema}.${a.target.name}`));
  const has = (a: { target: { database?: string; schema: string; name: string } }) => keep.has(`${a.target.database ?? ""}.${a.target.schema}.${a.target.name}`);
  return {
    ...graph,
    tables: graph.tables.filter(has),
    operations: graph.operations.filter(has),
    assertions: graph.assertions.filter(has),
    declarations: graph.declarations.filter(has),
    tests: graph.tests.filter((t) => keep.has(`${t.testTarget.database ?? ""}.${t.testTarget.schema}.${t.testTarget.name}`)),
    targets: graph.targets.filter((t) => keep.has(`${t.database ?? ""}.${t.schema}.${t.name}`)),
  };
}

function summary(result: CompileResult, selected: GraphAction[], isSelective: boolean, ms: number): string {
  const { graph } = result;
  const kindName = (a: GraphAction) =>
    a.kind === "table" ? (a.type === "view" && a.materialized ? "materialized view" : a.type) : a.kind === "operation" ? "operations" : a.kind;
  const byKind = new Map<string, number>();
  const byLayer = new Map<string, number>();
  for (const a of selected) {
    byKind.set(kindName(a), (byKind.get(kindName(a)) ?? 0) + 1);
    const layer = a.strata?.layer ?? "(none)";
    byLayer.set(layer, (byLayer.get(layer) ?? 0) + 1);
  }
  const fmt = (m: Map<string, number>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${n} ${k}`).join(", ");
  const total = graph.tables.length + graph.operations.length + graph.assertions.length + graph.declarations.length;
  const lines = [
    `Compiled ${result.projectDir} for ${result.dialect} in ${Math.round(ms)} ms: ${isSelective ? `${selected.length} of ${total}` : total} actions${graph.tests.length ? `, ${graph.tests.length} tests` : ""}`,
    `  by type:  ${fmt(byKind) || "none"}`,
    `  by layer: ${fmt(byLayer) || "none"}`,
  ];
  if (isSelective) {
    const shown = selected.slice(0, 20).map((a) => `${a.target.schema}.${a.target.name}`);
    if (selected.length > shown.length) shown.push(`… ${selected.length - shown.length} more (--json lists all)`);
    lines.push(`  selected: ${shown.join(", ") || "none"}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Recompile on every change, debounced; errors are reported and watching goes on. */
function watch(dir: string, once: () => number): Promise<void> {
  const run = () => {
    try {
      const code = once();
      process.stderr.write(code === 0 ? "✓ no errors — watching for changes (Ctrl-C to stop)\n" : "watching for changes (Ctrl-C to stop)\n");
    } catch (err) {
      if (err instanceof StrataError) process.stderr.write(`error: ${err.oneLine()}\n`);
      else throw err;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const watchers = new DirectoryWatchers(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(run, 100);
  });
  run();
  return new Promise((resolve) => {
    process.once("SIGINT", () => {
      watchers.close();
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * One non-recursive fs.watch per project directory, set up synchronously (Node 20's recursive
 * mode on Linux scans the tree asynchronously and misses early changes); new directories are
 * picked up on the next event. `.strata`, `.git` and `node_modules` are not watched.
 */
class DirectoryWatchers {
  private readonly watchers = new Map<string, fs.FSWatcher>();

  constructor(
    private readonly root: string,
    private readonly onChange: () => void,
  ) {
    this.sync();
  }

  private sync(): void {
    const wanted = new Set<string>();
    const walk = (d: string) => {
      wanted.add(d);
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules") walk(path.join(d, e.name));
      }
    };
    walk(this.root);
    for (const [d, w] of this.watchers) {
      if (!wanted.has(d)) {
        w.close();
        this.watchers.delete(d);
      }
    }
    for (const d of wanted) {
      if (this.watchers.has(d)) continue;
      try {
        this.watchers.set(d, fs.watch(d, () => {
          this.sync();
          this.onChange();
        }));
      } catch {
        // vanished between the scan and the watch
      }
    }
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
