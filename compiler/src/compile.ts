// `compileProject`: project files → CompiledGraph. Pure apart from reading the project's files;
// user mistakes become graph.graphErrors.compilationErrors (each with file and line), never throws
// for them. Throws UserError only when the project cannot be read at all (no dataform.json, ...).
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { findCycles, findDuplicateTargets } from "./graph/validate";
import type { CompilationError, CompiledGraph, Target, WarehouseKind } from "./graph/types";
import { loadProjectConfig } from "./project/config";
import { discoverProjectFiles } from "./project/files";
import { readLandingContract } from "./project/landing";
import { type ResolvedTarget, resolveTarget } from "./project/targets";
import { renderActions } from "./sqlx/render";
import { Session } from "./sqlx/session";
import { dataformCoreVersion, transpileSqlx } from "./sqlx/transpile";
import { TranspileCache } from "./sqlx/transpile-cache";

export interface CompileOptions {
  /** A targets.yaml target name; its adapter decides identifier quoting. */
  target?: string;
  /** `--vars`: override dataform.json vars. */
  vars?: Record<string, string>;
  /** Reuse SQLX transpilations from .strata/cache (default: true unless STRATA_NO_CACHE=1). */
  cache?: boolean;
}

export interface CompileResult {
  graph: CompiledGraph;
  target: ResolvedTarget;
  projectDir: string;
  /** The SQL dialect the graph's query text was rendered for. */
  dialect: WarehouseKind;
}

export function compileProject(projectDir: string, options: CompileOptions = {}): CompileResult {
  // A compile is a short burst of code run once per file: V8's optimizing compiler (TurboFan)
  // costs more than it saves there (~20% of a 3,000-model compile). Off during the compile only.
  const restoreOptimizer = !process.execArgv.some((a) => a === "--no-opt" || a === "--no-turbofan");
  v8.setFlagsFromString("--no-opt");
  try {
    return compileWithoutOptimizer(projectDir, options);
  } finally {
    if (restoreOptimizer) v8.setFlagsFromString("--opt");
  }
}

function compileWithoutOptimizer(projectDir: string, options: CompileOptions): CompileResult {
  const dir = path.resolve(projectDir);
  const { config: fileConfig } = loadProjectConfig(dir, options.vars ?? {});
  const target = resolveTarget(dir, options.target);
  // An explicit target (flag, STRATA_TARGET or targets.yaml) decides the dialect; otherwise
  // dataform.json's `warehouse` does.
  const explicitTarget = options.target !== undefined || !!process.env.STRATA_TARGET || target.file !== undefined;
  const dialect: WarehouseKind = explicitTarget ? target.dialect : (fileConfig.warehouse as WarehouseKind);
  // includes read `dataform.projectConfig.warehouse` to emit the target's SQL (includes/dialect.js).
  const config = { ...fileConfig, warehouse: dialect };

  const files = discoverProjectFiles(dir);
  const session = new Session(dir, config);
  const read = (rel: string) => ({ path: rel, text: fs.readFileSync(path.join(dir, rel), "utf8") });

  for (const rel of files.contractFiles) {
    const file = read(rel);
    const decl = readLandingContract(rel, file.text);
    if ("message" in decl) {
      session.errors.push(decl);
      continue;
    }
    const columns = Object.fromEntries(decl.columns.map((c) => [c.name, c.description ?? ""]));
    session.loadDeclaration(file, "landing", decl.line, {
      schema: decl.schema,
      name: decl.name,
      ...(decl.description !== undefined ? { description: decl.description } : {}),
      ...(decl.columns.length ? { columns } : {}),
    });
  }
  for (const rel of files.includeFiles) session.loadInclude(read(rel));
  const cache = TranspileCache.open(dir, dataformCoreVersion() ?? "unknown", options.cache);
  for (const rel of files.actionFiles) {
    const file = read(rel);
    const layer = layerOf(rel);
    if (!rel.endsWith(".sqlx")) {
      session.loadJs(file, layer);
      continue;
    }
    let generated: string;
    try {
      generated = cache.transpiled(cache.key(rel, file.text), () => transpileSqlx(file.text, rel));
    } catch (err) {
      session.error(`syntax error: ${(err as Error).message.split("\n")[0]}`, { file: rel, line: 1 });
      continue;
    }
    session.loadSqlx(file, generated, layer);
  }
  cache.save();

  const rendered = renderActions(session, dialect);
  const targets: Target[] = [...rendered.tables, ...rendered.operations, ...rendered.assertions, ...rendered.declarations].map((a) => ({ ...a.target }));
  const graph: CompiledGraph = {
    projectConfig: config,
    ...rendered,
    graphErrors: { compilationErrors: [] },
    dataformCoreVersion: dataformCoreVersion(),
    targets,
  };
  const errors = [...session.errors, ...findDuplicateTargets(graph), ...findCycles(graph)];
  graph.graphErrors.compilationErrors = sortErrors(errors);
  if (session.warnings.length) graph.warnings = sortErrors(session.warnings);
  if (graph.dataformCoreVersion === undefined) delete graph.dataformCoreVersion;
  return { graph, target, projectDir: dir, dialect };
}

/** definitions/<layer>/... → layer; assertions/ → "assertions"; a file directly in definitions/ has none. */
export function layerOf(relPath: string): string | undefined {
  const parts = relPath.split("/");
  if (parts[0] === "assertions") return "assertions";
  if (parts[0] === "definitions" && parts.length > 2) return parts[1];
  return undefined;
}

/** Stable order (file, line, column) without duplicates (the same ref can fail in two queries). */
function sortErrors(errors: CompilationError[]): CompilationError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.fileName}:${e.line}:${e.column}:${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const fa = a.e.fileName ?? "";
      const fb = b.e.fileName ?? "";
      if (fa !== fb) return fa < fb ? -1 : 1;
      return (a.e.line ?? 0) - (b.e.line ?? 0) || (a.e.column ?? 0) - (b.e.column ?? 0) || a.i - b.i;
    })
    .map(({ e }) => e);
}
