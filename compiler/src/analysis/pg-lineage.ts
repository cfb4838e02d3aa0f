// Reads a compiled PostgreSQL query with PostgreSQL's own parser (libpg-query) and answers two
// questions: which relations does it read (minus CTE names), and, for each output column, which
// source columns feed it and whether it passes them through or transforms them.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { loadModule, parseSync } from "libpg-query";

export interface ColumnSource {
  /** "schema.name" of a relation (or just "name" when unqualified in the SQL). */
  relation: string;
  column: string;
}

export interface ColumnLineage {
  name: string;
  sources: ColumnSource[];
  /** True when the value is computed (function, expression, aggregate), false when passed through. */
  transformed: boolean;
}

export interface RelationReference {
  relation: string;
  /** Character offset in the SQL text. */
  location: number;
}

export interface QueryAnalysis {
  relations: RelationReference[];
  /** Absent for statements that are not a SELECT (operations) . */
  columns?: ColumnLineage[];
}

/** Output columns of an upstream relation, when known (declared columns or its own lineage). */
export type KnownColumns = (relation: string) => string[] | undefined;

type Node = Record<string, any>;

/** One FROM item as seen by the SELECT that reads it. */
interface Source {
  alias: string;
  /** Known output columns, or undefined when unknown (a relation with no declared columns). */
  columns?: string[];
  resolve(column: string): { sources: ColumnSource[]; transformed: boolean } | undefined;
}

/** libpg-query is WebAssembly: load it once before the synchronous parses. */
export async function loadPostgresParser(): Promise<void> {
  await loadModule();
}

/** Throws libpg-query's SqlError (message + cursorPosition) when the SQL does not parse. */
export function analyzePostgresQuery(sql: string, known: KnownColumns): QueryAnalysis {
  const tree = parseSync(sql) as { stmts: { stmt: Node }[] };
  const relations: RelationReference[] = [];
  collectRelations(tree, new Set(), relations);
  const last = tree.stmts[tree.stmts.length - 1]?.stmt;
  const columns = last?.SelectStmt ? analyzeSelect(last.SelectStmt, new Map(), known).columns : undefined;
  return { relations, columns };
}

function relationName(rv: Node): string {
  return rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname;
}

/** Every RangeVar that is not a CTE visible at that point. */
function collectRelations(node: any, ctes: Set<string>, out: RelationReference[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRelations(n, ctes, out);
    return;
  }
  if (!node || typeof node !== "object") return;
  let scope = ctes;
  const withClause = node.withClause ?? node.SelectStmt?.withClause;
  if (withClause) {
    scope = new Set(ctes);
    for (const cte of withClause.ctes ?? []) scope.add(cte.CommonTableExpr.ctename);
  }
  if (node.RangeVar) {
    const rv = node.RangeVar;
    if (rv.schemaname || !scope.has(rv.relname)) out.push({ relation: relationName(rv), location: rv.location ?? 0 });
    return;
  }
  for (const value of Object.values(node)) collectRelations(value, scope, out);
}

interface SelectResult {
  columns: ColumnLineage[];
}

function analyzeSelect(stmt: Node, outerCtes: Map<string, SelectResult>, known: KnownColumns): SelectResult {
  const ctes = new Map(outerCtes);
  for (const cte of stmt.withClause?.ctes ?? []) {
    const c = cte.CommonTableExpr;
    const inner = c.ctequery?.SelectStmt;
    if (!inner) continue;
    const result = analyzeSelect(inner, ctes, known);
    const renamed = (c.aliascolnames ?? []).map((n: Node) => n.String?.sval);
    ctes.set(c.ctename, renamed.length ? { columns: result.columns.map((col, i) => ({ ...col, name: renamed[i] ?? col.name })) } : result);
  }
  if (stmt.op && stmt.op !== "SETOP_NONE") {
    // UNION/INTERSECT/EXCEPT: names from the left side, sources from both, position by position.
    const left = analyzeSelect(stmt.larg, ctes, known);
    const right = analyzeSelect(stmt.rarg, ctes, known);
    return {
      columns: left.columns.map((col, i) => ({
        name: col.name,
        sources: dedupe([...col.sources, ...(right.columns[i]?.sources ?? [])]),
        transformed: col.transformed || (right.columns[i]?.transformed ?? false),
      })),
    };
  }
  if (stmt.valuesLists) {
    return { columns: (stmt.valuesLists[0]?.List?.items ?? []).map((_: unknown, i: number) => ({ name: `column${i + 1}`, sources: [], transformed: true })) };
  }

  const sources: Source[] = [];
  for (const item of stmt.fromClause ?? []) addFromItem(item, ctes, known, sources);

  const columns: ColumnLineage[] = [];
  for (const t of stmt.targetList ?? []) {
    const target = t.ResTarget;
    const val = target.val;
    const ref = val?.ColumnRef;
    if (ref && ref.fields.some((f: Node) => f.A_Star)) {
      const qualifier = ref.fields.length > 1 ? ref.fields[0].String.sval : undefined;
      for (const s of sources.filter((s) => !qualifier || s.alias === qualifier)) {
        for (const name of s.columns ?? []) {
          const r = s.resolve(name);
          columns.push({ name, sources: r?.sources ?? [], transformed: r?.transformed ?? false });
        }
      }
      continue;
    }
    if (ref) {
      const r = resolveColumnRef(ref, sources);
      columns.push({ name: target.name ?? lastField(ref), sources: r.sources, transformed: r.transformed });
      continue;
    }
    const refs: Node[] = [];
    collectColumnRefs(val, refs);
    const found = refs.flatMap((r) => resolveColumnRef(r, sources).sources);
    const subSources = subqueryColumns(val, ctes, known);
    columns.push({ name: target.name ?? defaultName(val), sources: dedupe([...found, ...subSources]), transformed: true });
  }
  return { columns };
}

function addFromItem(item: Node, ctes: Map<string, SelectResult>, known: KnownColumns, out: Source[]): void {
  if (item.RangeVar) {
    const rv = item.RangeVar;
    const alias = rv.alias?.aliasname ?? rv.relname;
    const cte = !rv.schemaname ? ctes.get(rv.relname) : undefined;
    if (cte) {
      out.push(derivedSource(alias, cte));
      return;
    }
    const relation = relationName(rv);
    const columns = known(relation);
    out.push({
      alias,
      columns,
      resolve: (column) => (columns && !columns.includes(column) ? undefined : { sources: [{ relation, column }], transformed: false }),
    });
    return;
  }
  if (item.RangeSubselect) {
    const inner = item.RangeSubselect.subquery?.SelectStmt;
    if (!inner) return;
    out.push(derivedSource(item.RangeSubselect.alias?.aliasname ?? "", analyzeSelect(inner, ctes, known)));
    return;
  }
  if (item.JoinExpr) {
    addFromItem(item.JoinExpr.larg, ctes, known, out);
    addFromItem(item.JoinExpr.rarg, ctes, known, out);
  }
  // Functions (generate_series, unnest, ...) produce columns with no source relation.
  if (item.RangeFunction) {
    const alias = item.RangeFunction.alias?.aliasname ?? "";
    out.push({ alias, columns: undefined, resolve: () => ({ sources: [], transformed: true }) });
  }
}

function derivedSource(alias: string, result: SelectResult): Source {
  const byName = new Map(result.columns.map((c) => [c.name, c]));
  return {
    alias,
    columns: result.columns.map((c) => c.name),
    resolve: (column) => {
      const c = byName.get(column);
      return c ? { sources: c.sources, transformed: c.transformed } : undefined;
    },
  };
}

function resolveColumnRef(ref: Node, sources: Source[]): { sources: ColumnSource[]; transformed: boolean } {
  const fields: string[] = ref.fields.map((f: Node) => f.String?.sval).filter(Boolean);
  const column = fields[fields.length - 1];
  const qualifier = fields.length > 1 ? fields[fields.length - 2] : undefined;
  const candidates = qualifier ? sources.filter((s) => s.alias === qualifier) : sources;
  // Prefer sources that are known to have the column; fall back to the one source with unknown columns.
  for (const s of candidates) {
    if (s.columns?.includes(column)) return s.resolve(column) ?? { sources: [], transformed: false };
  }
  const unknown = candidates.filter((s) => s.columns === undefined);
  if (unknown.length === 1) return unknown[0].resolve(column) ?? { sources: [], transformed: false };
  return { sources: [], transformed: false };
}

function collectColumnRefs(node: any, out: Node[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectColumnRefs(n, out);
    return;
  }
  if (!node || typeof node !== "object") return;
  if (node.ColumnRef) {
    out.push(node.ColumnRef);
    return;
  }
  if (node.SubLink) return; // its own scope: see subqueryColumns
  for (const value of Object.values(node)) collectColumnRefs(value, out);
}

function subqueryColumns(node: any, ctes: Map<string, SelectResult>, known: KnownColumns): ColumnSource[] {
  if (Array.isArray(node)) return node.flatMap((n) => subqueryColumns(n, ctes, known));
  if (!node || typeof node !== "object") return [];
  if (node.SubLink?.subselect?.SelectStmt) {
    return analyzeSelect(node.SubLink.subselect.SelectStmt, ctes, known).columns.flatMap((c) => c.sources);
  }
  return Object.values(node).flatMap((v) => subqueryColumns(v, ctes, known));
}

function lastField(ref: Node): string {
  const f = ref.fields[ref.fields.length - 1];
  return f.String?.sval ?? "?column?";
}

/** PostgreSQL's default output name for an expression without an alias. */
function defaultName(val: Node): string {
  if (val?.FuncCall) return val.FuncCall.funcname[val.FuncCall.funcname.length - 1].String.sval;
  if (val?.TypeCast) return val.TypeCast.arg?.ColumnRef ? lastField(val.TypeCast.arg.ColumnRef) : defaultName(val.TypeCast.arg);
  if (val?.CaseExpr) return "case";
  if (val?.CoalesceExpr) return "coalesce";
  return "?column?";
}

function dedupe(sources: ColumnSource[]): ColumnSource[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.relation}.${s.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
