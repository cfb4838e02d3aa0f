// `strata docs` as a library call: compile the project, read the last run's results, analyse
// column lineage, and write the static site. The CLI and the live-reload server both call this.
import fs from "node:fs";
import path from "node:path";
import { compileProject } from "../compile";
import { formatWithPlace, UserError } from "../errors";
import type { CompiledGraph } from "../graph/types";
import type { ResolvedTarget } from "../project/targets";
import type { RunResults } from "../runner/results";
import { runResultsPath } from "../runner/write-results";
import type { Warehouse } from "../warehouse/warehouse";
import { buildDocsData, type DocsData } from "./docs-data";
import { writeDocsSite } from "./site";

export interface GenerateDocsOptions {
  projectDir: string;
  /** Default: <project>/.strata/docs */
  outDir?: string;
  target?: string;
  vars?: Record<string, string>;
  /** Column lineage from SQL analysis (PostgreSQL dialect). Default true. */
  lineage?: boolean;
  /** Read column types from the target's warehouse (opens a connection). Default false. */
  warehouseColumns?: boolean;
  /** Set by `--serve`: the page reloads itself when the site is rebuilt. */
  liveReload?: boolean;
}

export interface GenerateDocsResult {
  outDir: string;
  index: string;
  actions: number;
  /** Things that did not stop the build (unreadable run results, lineage failures). */
  warnings: string[];
  data: DocsData;
}

export function defaultDocsDir(projectDir: string): string {
  return path.join(projectDir, ".strata", "docs");
}

/** `.strata/run_results.json`, or undefined (with a warning) when it is absent or unreadable. */
export function readRunResults(projectDir: string, warnings: string[]): RunResults | undefined {
  const file = runResultsPath(projectDir);
  if (!fs.existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as RunResults;
    if (!parsed || !Array.isArray(parsed.actions)) throw new Error("it has no actions list");
    return parsed;
  } catch (err) {
    warnings.push(`ignoring .strata/run_results.json: ${(err as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

/** Reads a project file for the source view; never outside the project directory. */
function sourceReader(projectDir: string): (rel: string) => string | undefined {
  const root = path.resolve(projectDir);
  return (rel) => {
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) return undefined;
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  };
}

async function columnLineage(graph: CompiledGraph, projectDir: string, warnings: string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  try {
    // Loaded on demand: the SQL parser is WebAssembly and only the docs and lint need it.
    const { analyzeGraph } = await import("../analysis/analyze");
    const analysis = await analyzeGraph(graph, { projectDir });
    for (const [key, a] of analysis.actions) if (a.lineage?.length) out.set(key, a.lineage);
  } catch (err) {
    warnings.push(`column lineage unavailable: ${(err as Error).message.split("\n")[0]}`);
  }
  return out;
}

/** Column names and types of the graph's tables and views as the warehouse has them, keyed by schema.name. */
export async function readWarehouseColumnTypes(warehouse: Warehouse, graph: CompiledGraph): Promise<Map<string, { name: string; type: string }[]>> {
  const state = await warehouse.readState([...graph.tables, ...graph.declarations].map((t) => t.target));
  const types = new Map<string, { name: string; type: string }[]>();
  for (const [key, rel] of state.relations) types.set(key, rel.columns.map((c) => ({ name: c.name, type: c.type })));
  return types;
}

async function warehouseColumnTypes(graph: CompiledGraph, target: ResolvedTarget, projectDir: string, warnings: string[]) {
  const { createWarehouse } = await import("../warehouse/index");
  const warehouse = createWarehouse(target, { projectDir });
  try {
    await warehouse.connect();
    return await readWarehouseColumnTypes(warehouse, graph);
  } catch (err) {
    warnings.push(`column types from target "${target.name}" unavailable: ${(err as Error).message.split("\n")[0]}`);
    return undefined;
  } finally {
    await warehouse.close().catch(() => undefined);
  }
}

export async function generateDocs(options: GenerateDocsOptions): Promise<GenerateDocsResult> {
  const projectDir = path.resolve(options.projectDir);
  const outDir = path.resolve(options.outDir ?? defaultDocsDir(projectDir));
  const compiled = compileProject(projectDir, { target: options.target, vars: options.vars });
  const { graph } = compiled;
  const errors = graph.graphErrors.compilationErrors;
  if (errors.length) {
    const first = formatWithPlace(errors[0].message, { file: errors[0].fileName, line: errors[0].line, column: errors[0].column });
    throw new UserError(errors.length === 1 ? first : `${first} (and ${errors.length - 1} more errors)`);
  }
  const warnings: string[] = [];
  const runResults = readRunResults(projectDir, warnings);
  const lineage = options.lineage !== false && compiled.dialect === "postgres" ? await columnLineage(graph, projectDir, warnings) : undefined;
  const columnTypes = options.warehouseColumns ? await warehouseColumnTypes(graph, compiled.target, projectDir, warnings) : undefined;
  const configured = graph.projectConfig.name;
  const data = buildDocsData(graph, {
    projectName: typeof configured === "string" && configured ? configured : path.basename(projectDir),
    target: compiled.target.name,
    runResults,
    readSource: sourceReader(projectDir),
    lineage,
    columnTypes,
  });
  if (options.liveReload) data.liveReload = true;
  const index = await writeDocsSite(data, outDir);
  return { outDir, index, actions: data.nodes.length, warnings, data };
}
