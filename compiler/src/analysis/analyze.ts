// Whole-project SQL analysis: for every action, the relations its SQL reads and the column-level
// lineage of its output, in dependency order (so `select *` expands from upstream lineage).
// Results are cached by content hash in .strata/cache/, so a warm run parses nothing.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { allActions, targetKey } from "../graph/select";
import type { CompiledGraph, GraphAction } from "../graph/types";
import { analyzePostgresQuery, loadPostgresParser, type ColumnLineage, type QueryAnalysis } from "./pg-lineage";

export interface ActionAnalysis {
  key: string;
  action: GraphAction;
  /** Relations read by the action's SQL, resolved to graph keys where they match an action. */
  reads: { relation: string; key?: string; location: number }[];
  lineage?: ColumnLineage[];
  /** One line: why the SQL could not be analysed (it does not parse). */
  parseError?: string;
}

export interface GraphAnalysis {
  actions: Map<string, ActionAnalysis>;
  cache: { hits: number; misses: number };
}

const CACHE_VERSION = 2;

type StoredAnalysis = Omit<ActionAnalysis, "action">;

interface CacheFile {
  version: number;
  /** Per statement: keyed by the SQL and the upstream columns it may expand. */
  entries: Record<string, QueryAnalysis | { error: string }>;
}

/** The last whole result (its own file, read first), keyed by everything the analysis reads. */
interface GraphCacheFile {
  version: number;
  key: string;
  actions: StoredAnalysis[];
}

export async function analyzeGraph(graph: CompiledGraph, options: { projectDir: string; useCache?: boolean }): Promise<GraphAnalysis> {
  const cacheDir = path.join(options.projectDir, ".strata", "cache");
  const useCache = options.useCache !== false;
  const actions = allActions(graph);
  const graphKey = graphFingerprint(actions);
  // Nothing changed since the last analysis: reuse it whole, parsing and walking nothing.
  const last = useCache ? readJson<GraphCacheFile>(path.join(cacheDir, "analysis-graph.json")) : undefined;
  if (last?.version === CACHE_VERSION && last.key === graphKey) {
    const byKey = new Map(actions.map((a) => [targetKey(a.target), a]));
    const reused = new Map(last.actions.map((s) => [s.key, { ...s, action: byKey.get(s.key)! }]));
    return { actions: reused, cache: { hits: last.actions.length, misses: 0 } };
  }

  const cachePath = path.join(cacheDir, "analysis.json");
  const stored = useCache ? readJson<CacheFile>(cachePath) : undefined;
  const cache = stored?.version === CACHE_VERSION ? stored : emptyCache();
  const used: CacheFile = emptyCache();
  const stats = { hits: 0, misses: 0 };
  const keys = new Map<string, string>(); // "schema.name" and bare "name" (when unique) → key
  const nameCounts = new Map<string, number>();
  for (const a of actions) nameCounts.set(a.target.name, (nameCounts.get(a.target.name) ?? 0) + 1);
  for (const a of actions) {
    keys.set(targetKey(a.target), targetKey(a.target));
    if (nameCounts.get(a.target.name) === 1) keys.set(a.target.name, targetKey(a.target));
  }

  const outputs = new Map<string, string[]>(); // key → output column names, as known so far
  for (const a of actions) {
    const declared = a.actionDescriptor?.columns?.map((c) => c.path[0]).filter(Boolean);
    if (declared?.length) outputs.set(targetKey(a.target), declared);
  }
  const known = (relation: string) => {
    const key = keys.get(relation);
    return key ? outputs.get(key) : undefined;
  };

  const result = new Map<string, ActionAnalysis>();
  for (const action of actions) {
    const key = targetKey(action.target);
    const statements = sqlOf(action);
    const analysis: ActionAnalysis = { key, action, reads: [] };
    // Lineage depends on the upstream columns too, so they are part of the cache key.
    const deps = action.kind === "declaration" ? "" : action.dependencyTargets.map((t) => `${targetKey(t)}=${known(targetKey(t))?.join(",") ?? ""}`).join(";");
    for (const [i, sql] of statements.entries()) {
      const isMain = i === statements.length - 1 && action.kind === "table";
      const hash = crypto.hash("sha1", `${CACHE_VERSION}\0${sql}\0${deps}`);
      let entry = cache.entries[hash];
      if (entry) stats.hits++;
      else {
        stats.misses++;
        // The WASM parser loads only when something is not cached, so a warm run never pays for it.
        if (stats.misses === 1) await loadPostgresParser();
        try {
          entry = analyzePostgresQuery(sql, known);
        } catch (err) {
          entry = { error: (err as Error).message.split("\n")[0] };
        }
      }
      used.entries[hash] = entry;
      if ("error" in entry) {
        analysis.parseError ??= entry.error;
        continue;
      }
      for (const r of entry.relations) analysis.reads.push({ ...r, key: keys.get(r.relation) });
      if (isMain && entry.columns) analysis.lineage = entry.columns;
    }
    if (analysis.lineage) outputs.set(key, analysis.lineage.map((c) => c.name));
    result.set(key, analysis);
  }
  if (useCache) {
    writeJson(cachePath, used);
    const graphFile: GraphCacheFile = { version: CACHE_VERSION, key: graphKey, actions: [...result.values()].map(({ action: _action, ...rest }) => rest) };
    writeJson(path.join(cacheDir, "analysis-graph.json"), graphFile);
  }
  return { actions: result, cache: stats };
}

/** A hash of every input of the analysis: each action's key, SQL, dependencies and declared columns. */
function graphFingerprint(actions: GraphAction[]): string {
  const hash = crypto.createHash("sha1").update(`${CACHE_VERSION}\0`);
  for (const a of actions) {
    hash.update(`${targetKey(a.target)}\0${sqlOf(a).join("\0")}\0`);
    if (a.kind !== "declaration") hash.update(a.dependencyTargets.map(targetKey).join(","));
    hash.update(`\0${(a.actionDescriptor?.columns ?? []).map((c) => c.path.join(".")).join(",")}\n`);
  }
  return hash.digest("hex");
}

/** The SQL statements of an action that read data, the main query last. */
function sqlOf(action: GraphAction): string[] {
  switch (action.kind) {
    case "table":
      return [...(action.preOps ?? []), action.query];
    case "assertion":
      return [action.query];
    case "operation":
      return action.queries;
    default:
      return [];
  }
}

function emptyCache(): CacheFile {
  return { version: CACHE_VERSION, entries: {} };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value));
  fs.renameSync(tmp, file);
}

/** Copies each table's column lineage into `strata.lineage`, where compile --json and the docs read it. */
export function attachLineage(graph: CompiledGraph, analysis: GraphAnalysis): void {
  for (const table of graph.tables) {
    const lineage = analysis.actions.get(targetKey(table.target))?.lineage;
    if (lineage) table.strata = { ...table.strata, lineage };
  }
}
