// `strata lint`: rules an analytics team wants enforced in CI. Each rule is a small pure function
// over the compiled graph and its SQL analysis; severities come from dataform.json `lint.rules`.
import fs from "node:fs";
import path from "node:path";
import { targetKey } from "../graph/select";
import type { CompiledGraph, GraphAction } from "../graph/types";
import type { ActionAnalysis, GraphAnalysis } from "./analyze";

export type LintSeverity = "error" | "warn" | "off";

export interface LintFinding {
  rule: string;
  severity: Exclude<LintSeverity, "off">;
  message: string;
  file: string;
  line?: number;
  action: string;
}

interface Rule {
  id: string;
  defaultSeverity: LintSeverity;
  description: string;
  check(ctx: RuleContext): Omit<LintFinding, "rule" | "severity">[];
}

interface RuleContext {
  graph: CompiledGraph;
  analysis: GraphAnalysis;
  projectDir: string;
  lineOf(action: GraphAction, needle?: string): number | undefined;
}

const layerOf = (a: GraphAction) => a.strata?.layer ?? a.target.schema;
const isMart = (a: GraphAction) => layerOf(a) === "marts";

export const RULES: Rule[] = [
  {
    id: "undeclared-dependency",
    defaultSeverity: "error",
    description: "SQL reads a table of the project by name instead of through ref(): the DAG would run it in the wrong order",
    check: ({ analysis, lineOf }) => undeclaredDependencies(analysis).map(({ a, read }) => ({
      action: a.key,
      file: a.action.fileName,
      line: lineOf(a.action, read.relation.split(".").pop()),
      message: `${a.key} reads ${read.relation} without a dependency: write \${ref("${read.key!.split(".")[1]}")} instead`,
    })),
  },
  {
    id: "sql-parse-error",
    defaultSeverity: "error",
    description: "the compiled SQL does not parse with PostgreSQL's grammar",
    check: ({ analysis, lineOf }) =>
      [...analysis.actions.values()].filter((a) => a.parseError).map((a) => ({
        action: a.key,
        file: a.action.fileName,
        line: lineOf(a.action),
        message: `${a.key}: SQL does not parse: ${a.parseError}`,
      })),
  },
  {
    id: "select-star-in-marts",
    defaultSeverity: "error",
    description: "marts list their columns, so BI never sees a column appear or vanish unannounced",
    check: ({ graph, lineOf }) =>
      graph.tables.filter((t) => isMart({ kind: "table", ...t }) && /select\s+(?:distinct\s+)?(?:[\w"]+\.)?\*/i.test(t.query)).map((t) => ({
        action: targetKey(t.target),
        file: t.fileName,
        line: lineOf({ kind: "table", ...t }, "*"),
        message: `${targetKey(t.target)} is a mart and uses select *: list the columns`,
      })),
  },
  {
    id: "missing-column-descriptions",
    defaultSeverity: "error",
    description: "every column of a mart has a description (BI users read them in the docs)",
    check: ({ graph, analysis, lineOf }) =>
      graph.tables.filter((t) => isMart({ kind: "table", ...t })).flatMap((t) => {
        const described = new Set((t.actionDescriptor?.columns ?? []).filter((c) => c.description).map((c) => c.path[0]));
        const output = analysis.actions.get(targetKey(t.target))?.lineage?.map((c) => c.name) ?? [];
        const missing = output.filter((c) => !described.has(c));
        return missing.length === 0
          ? []
          : [{ action: targetKey(t.target), file: t.fileName, line: lineOf({ kind: "table", ...t }), message: `${targetKey(t.target)}: columns without a description: ${missing.join(", ")}` }];
      }),
  },
  {
    id: "missing-description",
    defaultSeverity: "warn",
    description: "tables, views and incrementals have a description",
    check: ({ graph, lineOf }) =>
      graph.tables.filter((t) => !t.actionDescriptor?.description).map((t) => ({
        action: targetKey(t.target),
        file: t.fileName,
        line: lineOf({ kind: "table", ...t }),
        message: `${targetKey(t.target)} has no description`,
      })),
  },
  {
    id: "unused-declaration",
    defaultSeverity: "warn",
    description: "a declared source that nothing depends on",
    check: ({ graph }) => {
      const used = new Set<string>();
      for (const a of [...graph.tables, ...graph.operations, ...graph.assertions]) for (const d of a.dependencyTargets) used.add(targetKey(d));
      return graph.declarations.filter((d) => !used.has(targetKey(d.target))).map((d) => ({
        action: targetKey(d.target),
        file: d.fileName,
        message: `declaration ${targetKey(d.target)} is not used by any action`,
      }));
    },
  },
  {
    id: "incremental-without-unique-key",
    defaultSeverity: "warn",
    description: "an incremental without uniqueKey appends: a re-run of the same data adds duplicates",
    check: ({ graph, lineOf }) =>
      graph.tables.filter((t) => t.type === "incremental" && !(t.uniqueKey?.length) && t.strata?.incrementalStrategy !== "append").map((t) => ({
        action: targetKey(t.target),
        file: t.fileName,
        line: lineOf({ kind: "table", ...t }),
        message: `${targetKey(t.target)} is incremental without uniqueKey: re-runs may add duplicates (set uniqueKey, or incrementalStrategy: "append" to accept)`,
      })),
  },
];

/** References to project relations that the action does not depend on (CTE names are excluded by the parser). */
export function undeclaredDependencies(analysis: GraphAnalysis): { a: ActionAnalysis; read: ActionAnalysis["reads"][number] }[] {
  const out: { a: ActionAnalysis; read: ActionAnalysis["reads"][number] }[] = [];
  for (const a of analysis.actions.values()) {
    if (a.action.kind === "declaration") continue;
    const declared = new Set(a.action.dependencyTargets.map(targetKey));
    const reported = new Set<string>();
    for (const read of a.reads) {
      if (!read.key || read.key === a.key || declared.has(read.key) || reported.has(read.key)) continue;
      reported.add(read.key);
      out.push({ a, read });
    }
  }
  return out;
}

export function lint(graph: CompiledGraph, analysis: GraphAnalysis, projectDir: string): LintFinding[] {
  const configured = ((graph.projectConfig.lint as { rules?: Record<string, LintSeverity> } | undefined)?.rules ?? {}) as Record<string, LintSeverity>;
  const sources = new Map<string, string[]>();
  const lineOf = (action: GraphAction, needle?: string): number | undefined => {
    const fallback = action.strata?.location?.line;
    if (!needle) return fallback;
    let lines = sources.get(action.fileName);
    if (!lines) {
      try {
        lines = fs.readFileSync(path.join(projectDir, action.fileName), "utf8").split("\n");
      } catch {
        lines = [];
      }
      sources.set(action.fileName, lines);
    }
    const i = lines.findIndex((l) => l.includes(needle));
    return i >= 0 ? i + 1 : fallback;
  };
  const findings: LintFinding[] = [];
  for (const rule of RULES) {
    const severity = configured[rule.id] ?? rule.defaultSeverity;
    if (severity === "off") continue;
    for (const f of rule.check({ graph, analysis, projectDir, lineOf })) findings.push({ rule: rule.id, severity, ...f });
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}
