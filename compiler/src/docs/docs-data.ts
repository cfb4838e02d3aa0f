// The docs site's data: one plain, JSON-serialisable record per action, built from the compiled
// graph, the last run's results and the source files. The browser code renders only from this, so
// everything the site shows is decided (and unit-tested) here, without a browser.
import type {
  Assertion,
  CompiledGraph,
  Declaration,
  Operation,
  Table,
  Target,
} from "../graph/types";
import type { ActionResult, ActionStatus, AssertionOutcome, RunResults } from "../runner/results";
import { targetKey as key } from "../graph/select";

/** What kind of node an action is, as the docs colour and filter it. */
export type DocsNodeType =
  | "table"
  | "view"
  | "materialized view"
  | "incremental"
  | "operations"
  | "assertion"
  | "declaration";

export interface DocsColumn {
  name: string;
  /** The warehouse's type when known, else the type declared in config. */
  type?: string;
  /** Where `type` came from. */
  typeSource?: "warehouse" | "config";
  description?: string;
  /** Checks on this column, e.g. "unique", "not null" (from the model's inline assertions). */
  tests: string[];
}

export interface DocsLastRun {
  status: ActionStatus;
  finishedAt?: string;
  durationMs?: number;
  rowsAffected?: number;
  bytesScanned?: number;
  error?: string;
  skippedBecause?: string;
  assertion?: AssertionOutcome;
}

/** One upstream column that feeds a column of this model. */
export interface DocsLineageSource {
  /** Node id (`schema.name`) of the upstream model. */
  model: string;
  column: string;
}

export interface DocsColumnLineage {
  column: string;
  sources: DocsLineageSource[];
}

export interface DocsNode {
  /** `schema.name` (prefixed with the database when two targets would otherwise collide). */
  id: string;
  name: string;
  schema: string;
  database?: string;
  type: DocsNodeType;
  layer: string;
  tags: string[];
  /** Tags that name a schedule (daily, weekly, ...). */
  schedule: string[];
  description?: string;
  fileName: string;
  /** The SQLX file's text, read at build time. */
  source?: string;
  /** Compiled SQL: the query, or the statements of an operation. */
  sql: string[];
  incrementalSql?: string;
  preOps: string[];
  postOps: string[];
  columns: DocsColumn[];
  /** Node ids this depends on / that depend on it (only ids present in the graph). */
  deps: string[];
  dependents: string[];
  /** Assertions that check this node (inline ones first). */
  assertions: string[];
  /** Assertions only: the node they check and their severity. */
  parent?: string;
  severity?: "error" | "warn";
  uniqueKey?: string[];
  disabled?: boolean;
  protected?: boolean;
  lastRun?: DocsLastRun;
  lineage?: DocsColumnLineage[];
}

export interface DocsRunSummary {
  runId: string;
  target: string;
  adapter: string;
  startedAt: string;
  finishedAt: string;
  status: RunResults["status"];
  totals: RunResults["totals"];
}

export interface DocsData {
  project: {
    name: string;
    warehouse: string;
    defaultSchema: string;
    target?: string;
    generatedAt: string;
  };
  /** Layers in display order (left to right in the DAG). */
  layers: string[];
  nodes: DocsNode[];
  lastRun?: DocsRunSummary;
  /** Set when the site is served with live reload. */
  liveReload?: boolean;
}

export interface BuildDocsOptions {
  projectName: string;
  target?: string;
  runResults?: RunResults;
  /** Reads a project file (relative path) or returns undefined; used for SQLX sources. */
  readSource?: (fileName: string) => string | undefined;
  /** Warehouse column types, keyed by `schema.name`. */
  columnTypes?: Map<string, { name: string; type: string }[]>;
  /** Column lineage by `schema.name` (from analysis), used when the graph carries none. */
  lineage?: Map<string, unknown>;
  /** Fixed clock for reproducible output (tests). */
  now?: Date;
}

export const KNOWN_LAYERS = ["landing", "staging", "ods", "marts"];
const SCHEDULE_TAGS = new Set(["hourly", "daily", "weekly", "biweekly", "monthly", "quarterly", "yearly"]);

type AnyAction =
  | { kind: "table"; a: Table }
  | { kind: "operation"; a: Operation }
  | { kind: "assertion"; a: Assertion }
  | { kind: "declaration"; a: Declaration };

/** The layer of an action: its config's `layer`, else definitions/<layer>/..., else a known schema. */
export function layerOf(fileName: string, schema: string, configured?: string): string {
  if (configured) return configured;
  const parts = fileName.replace(/\\/g, "/").split("/");
  const defs = parts.indexOf("definitions");
  if (defs >= 0 && parts.length > defs + 2) return parts[defs + 1];
  for (const p of parts) if (KNOWN_LAYERS.includes(p)) return p;
  const bySchema = KNOWN_LAYERS.find((l) => schema === l || schema.startsWith(`${l}_`) || schema.endsWith(`_${l}`));
  return bySchema ?? "other";
}

function nodeType(x: AnyAction): DocsNodeType {
  switch (x.kind) {
    case "table":
      if (x.a.type === "view" && x.a.materialized) return "materialized view";
      return x.a.type;
    case "operation":
      return "operations";
    default:
      return x.kind;
  }
}

/**
 * The column tests an inline assertion stands for, read from its name and query as Dataform
 * generates them: `<model>_assertions_uniqueKey_<n>` groups by the key columns, and
 * `<model>_assertions_rowConditions` (nonNull lands there too) labels each condition with
 * `'<condition>' AS failing_row_condition`. Returns column → test labels.
 */
export function columnChecks(assertion: Assertion, columns: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (col: string, test: string) => {
    const list = out.get(col) ?? [];
    if (!list.includes(test)) list.push(test);
    out.set(col, list);
  };
  const name = assertion.target.name;
  const q = assertion.query;
  const bare = (s: string) => s.trim().replace(/^["`]|["`]$/g, "").split(".").pop()?.replace(/^["`]|["`]$/g, "") ?? s;
  if (/_assertions_uniqueKey/i.test(name)) {
    const m = /group\s+by\s+([\s\S]+?)\s*(\)|\bhaving\b|$)/i.exec(q);
    const key = m ? m[1].split(",").map(bare) : [];
    for (const col of key) if (columns.includes(col)) add(col, key.length > 1 ? `unique (${key.join(", ")})` : "unique");
  } else if (/_assertions_rowConditions/i.test(name)) {
    for (const m of q.matchAll(/'((?:[^']|'')*)'\s+as\s+failing_row_condition/gi)) {
      const condition = m[1].replace(/''/g, "'");
      const notNull = /^\s*["`]?([\w$]+)["`]?\s+is\s+not\s+null\s*$/i.exec(condition);
      if (notNull) {
        if (columns.includes(notNull[1])) add(notNull[1], "not null");
        continue;
      }
      for (const col of columns) if (new RegExp(`\\b${col.replace(/[$]/g, "\\$")}\\b`).test(condition)) add(col, condition);
    }
  }
  return out;
}

/** Accepts lineage as `{column: [{model, column}]}` or `[{column, sources}]`; anything else is ignored. */
export function normaliseLineage(raw: unknown): DocsColumnLineage[] | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const source = (s: unknown): DocsLineageSource | undefined => {
    if (!s || typeof s !== "object") return undefined;
    const o = s as Record<string, unknown>;
    const col = o.column ?? o.name;
    let model = o.model ?? o.relation ?? o.table ?? o.id;
    if (model && typeof model === "object") model = key(model as Target);
    return typeof model === "string" && typeof col === "string" ? { model, column: col } : undefined;
  };
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((e) => {
        const o = (e ?? {}) as Record<string, unknown>;
        return [String(o.column ?? o.name ?? ""), o.sources];
      })
    : Object.entries(raw);
  const out: DocsColumnLineage[] = [];
  for (const [column, sources] of entries) {
    if (!column || !Array.isArray(sources)) continue;
    out.push({ column, sources: sources.map(source).filter((s): s is DocsLineageSource => !!s) });
  }
  return out.length ? out : undefined;
}

function lastRunOf(r: ActionResult | undefined): DocsLastRun | undefined {
  if (!r) return undefined;
  const { status, finishedAt, durationMs, rowsAffected, bytesScanned, error, skippedBecause, assertion } = r;
  return { status, finishedAt, durationMs, rowsAffected, bytesScanned, error, skippedBecause, assertion };
}

function compiledSql(x: AnyAction): Pick<DocsNode, "sql" | "incrementalSql" | "preOps" | "postOps"> {
  switch (x.kind) {
    case "table":
      return {
        sql: [x.a.query],
        incrementalSql: x.a.type === "incremental" && x.a.incrementalQuery !== x.a.query ? x.a.incrementalQuery : undefined,
        preOps: x.a.preOps ?? [],
        postOps: x.a.postOps ?? [],
      };
    case "operation":
      return { sql: x.a.queries, preOps: [], postOps: [] };
    case "assertion":
      return { sql: [x.a.query], preOps: [], postOps: [] };
    default:
      return { sql: [], preOps: [], postOps: [] };
  }
}

/** Layers in display order: the known ones first, in flow order, then the rest alphabetically. */
export function orderLayers(layers: Iterable<string>): string[] {
  const set = new Set(layers);
  const known = KNOWN_LAYERS.filter((l) => set.has(l));
  const rest = [...set].filter((l) => !KNOWN_LAYERS.includes(l)).sort((a, b) => (a === "other" ? 1 : b === "other" ? -1 : a.localeCompare(b)));
  return [...known, ...rest];
}

export function buildDocsData(graph: CompiledGraph, options: BuildDocsOptions): DocsData {
  const actions: AnyAction[] = [
    ...graph.tables.map((a) => ({ kind: "table" as const, a })),
    ...graph.operations.map((a) => ({ kind: "operation" as const, a })),
    ...graph.assertions.map((a) => ({ kind: "assertion" as const, a })),
    ...graph.declarations.map((a) => ({ kind: "declaration" as const, a })),
  ];

  // Ids are schema.name; the database joins in only where two actions would share one.
  const plainCount = new Map<string, number>();
  for (const x of actions) plainCount.set(key(x.a.target), (plainCount.get(key(x.a.target)) ?? 0) + 1);
  const idOf = (t: Target) => ((plainCount.get(key(t)) ?? 0) > 1 && t.database ? `${t.database}.${key(t)}` : key(t));

  const runByKey = new Map<string, ActionResult>();
  for (const r of options.runResults?.actions ?? []) if (r.target) runByKey.set(key(r.target), r);
  const graphLineage = (graph as unknown as { lineage?: Record<string, unknown> }).lineage;

  const nodes: DocsNode[] = actions.map((x) => {
    const t = x.a.target;
    const id = idOf(t);
    const strata = x.a.strata;
    const declared = x.a.actionDescriptor?.columns ?? [];
    const warehouseCols = options.columnTypes?.get(key(t));
    const columns: DocsColumn[] = declared.map((c) => ({
      name: c.path.join("."),
      type: c.type,
      typeSource: c.type ? "config" : undefined,
      description: c.description,
      tests: [],
    }));
    for (const wc of warehouseCols ?? []) {
      const existing = columns.find((c) => c.name === wc.name);
      if (existing) Object.assign(existing, { type: wc.type, typeSource: "warehouse" });
      else columns.push({ name: wc.name, type: wc.type, typeSource: "warehouse", tests: [] });
    }
    const tags = ("tags" in x.a && x.a.tags) || [];
    const fromSourceField = strata?.sourceFile && /\n/.test(strata.sourceFile) ? strata.sourceFile : undefined;
    const node: DocsNode = {
      id,
      name: t.name,
      schema: t.schema,
      database: t.database,
      type: nodeType(x),
      layer: layerOf(x.a.fileName ?? "", t.schema, strata?.layer),
      tags: [...tags],
      schedule: tags.filter((tag) => SCHEDULE_TAGS.has(tag.toLowerCase())),
      description: x.a.actionDescriptor?.description,
      fileName: x.a.fileName ?? "",
      source: fromSourceField ?? (x.a.fileName ? options.readSource?.(strata?.sourceFile ?? x.a.fileName) ?? options.readSource?.(x.a.fileName) : undefined),
      ...compiledSql(x),
      columns,
      deps: [],
      dependents: [],
      assertions: [],
      lastRun: lastRunOf(runByKey.get(key(t))),
      lineage: normaliseLineage((strata as { lineage?: unknown } | undefined)?.lineage ?? graphLineage?.[key(t)] ?? options.lineage?.get(key(t))),
    };
    if (x.kind === "table") {
      node.uniqueKey = x.a.uniqueKey;
      node.protected = x.a.protected;
    }
    if (x.kind === "assertion") node.severity = strata?.severity ?? graph.projectConfig.defaultAssertionSeverity ?? "error";
    if ("disabled" in x.a && x.a.disabled) node.disabled = true;
    return node;
  });

  const byId = new Map(nodes.map((n) => [n.id, n]));
  const byKey = new Map<string, DocsNode>();
  for (const n of nodes) if (!byKey.has(key(n))) byKey.set(key(n), n);
  const find = (t: Target) => byId.get(idOf(t)) ?? byKey.get(key(t));

  actions.forEach((x, i) => {
    const node = nodes[i];
    const deps = x.kind === "declaration" ? [] : x.a.dependencyTargets;
    for (const d of deps) {
      const dep = find(d);
      if (!dep || dep === node || node.deps.includes(dep.id)) continue;
      node.deps.push(dep.id);
      dep.dependents.push(node.id);
    }
    if (x.kind === "assertion") {
      const parent = x.a.parentAction ? find(x.a.parentAction) : undefined;
      if (parent) {
        node.parent = parent.id;
        parent.assertions.push(node.id);
        const checks = columnChecks(x.a, parent.columns.map((c) => c.name));
        for (const c of parent.columns) for (const test of checks.get(c.name) ?? []) if (!c.tests.includes(test)) c.tests.push(test);
      }
    }
  });
  // Custom assertions (assertions/*.sqlx) check the models they read.
  for (const n of nodes) {
    if (n.type !== "assertion" || n.parent) continue;
    for (const d of n.deps) {
      const dep = byId.get(d);
      if (dep && !dep.assertions.includes(n.id)) dep.assertions.push(n.id);
    }
  }

  // Lineage may name relations by bare name; point them at node ids where that is unambiguous.
  const byName = new Map<string, string | null>();
  for (const n of nodes) byName.set(n.name, byName.has(n.name) ? null : n.id);
  for (const n of nodes) {
    for (const l of n.lineage ?? []) for (const s of l.sources) if (!byId.has(s.model)) s.model = byName.get(s.model) ?? s.model;
  }

  const r = options.runResults;
  return {
    project: {
      name: options.projectName,
      warehouse: graph.projectConfig.warehouse,
      defaultSchema: graph.projectConfig.defaultSchema,
      target: options.target,
      generatedAt: (options.now ?? new Date()).toISOString(),
    },
    layers: orderLayers(nodes.map((n) => n.layer)),
    nodes,
    lastRun: r
      ? { runId: r.runId, target: r.target, adapter: r.adapter, startedAt: r.startedAt, finishedAt: r.finishedAt, status: r.status, totals: r.totals }
      : undefined,
  };
}
