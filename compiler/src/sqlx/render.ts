// The render phase: once every file is loaded, give each action its final target, generate the
// inline assertions, check config combinations, then call each action's contextables with a query
// context (ref, resolve, self, name, when, incremental, schema, database) and emit the graph's
// tables, operations, assertions, declarations and tests.
import { quoteTarget } from "../graph/quote";
import type {
  ActionDescriptor,
  Assertion,
  Declaration,
  Operation,
  ProjectConfig,
  Table,
  Target,
  Test,
  WarehouseKind,
} from "../graph/types";
import type { ActionRecord, Contextable, Resolvable } from "./action-record";
import { describeResolvable } from "./action-record";
import { ActionIndex, resolutionMessage, targetText } from "./action-index";
import { toResolvable } from "./apply-config";
import { generateInlineAssertions } from "./inline-assertions";
import { inlineAssertionSql } from "../graph/inline-assertion-sql";
import { type Session, exceptionPlace } from "./session";
import { findInSource, findReference, positionAt } from "./source-lines";

export interface RenderedActions {
  tables: Table[];
  operations: Operation[];
  assertions: Assertion[];
  declarations: Declaration[];
  tests: Test[];
}

export function renderActions(session: Session, dialect: WarehouseKind): RenderedActions {
  const config = session.projectConfig;
  const records = session.actions;
  for (const r of records) assignTarget(r, config);
  const inline = records.flatMap((r) => (r.kind === "table" ? generateInlineAssertions(r, config.builtinAssertionNamePrefix as string | undefined) : []));
  for (const r of inline) assignTarget(r, config);
  const all = [...records, ...inline];
  for (const r of records) checkCombinations(session, r);
  return new Renderer(session, dialect, all).render();
}

function assignTarget(r: ActionRecord, config: ProjectConfig): void {
  if (r.kind === "test") return;
  const schema = r.schema ?? (r.kind === "assertion" ? config.assertionSchema : config.defaultSchema);
  const database = r.database ?? config.defaultDatabase;
  r.canonicalTarget = withDatabase({ schema, name: r.name }, database);
  if (r.kind === "declaration") {
    // Declarations name existing relations: suffixes and prefixes are for what Strata builds.
    r.target = { ...r.canonicalTarget };
    return;
  }
  r.target = withDatabase(
    {
      schema: config.schemaSuffix ? `${schema}_${config.schemaSuffix}` : schema,
      name: config.tablePrefix ? `${config.tablePrefix}_${r.name}` : r.name,
    },
    database && config.databaseSuffix ? `${database}_${config.databaseSuffix}` : database,
  );
}

function withDatabase(t: { schema: string; name: string }, database: string | undefined): Target {
  return database ? { database, schema: t.schema, name: t.name } : { schema: t.schema, name: t.name };
}

/** Keys and blocks that only make sense on some types, with what to say when misplaced. */
function checkCombinations(session: Session, r: ActionRecord): void {
  const type = r.kind === "table" ? r.tableType! : r.kind === "operation" ? "operations" : r.kind;
  const article = /^[aeiou]/.test(type) ? "an" : "a";
  const problem = (key: string, message: string) => session.configProblem(r, `${message}; this is ${article} ${type}`, key, "error");
  const has = (k: string) => r.keys.has(k);
  const incremental = type === "incremental";
  const materializedView = type === "view" && r.materialized === true;
  if (has("protected") && !incremental) problem("protected", `"protected" applies only to incremental models`);
  if (has("uniqueKey") && !incremental && !materializedView) problem("uniqueKey", `"uniqueKey" applies only to incremental models and materialized views`);
  if (has("materialized") && type !== "view") problem("materialized", `"materialized" applies only to views`);
  if (has("onSchemaChange") && !incremental) problem("onSchemaChange", `"onSchemaChange" applies only to incremental models`);
  if (has("incrementalStrategy") && !incremental) problem("incrementalStrategy", `"incrementalStrategy" applies only to incremental models`);
  if (r.inlineAssertions?.newRowsOnly && !incremental) problem("assertions", `"assertions.newRowsOnly" applies only to incremental models`);
  if (has("incremental_where") && !incremental) problem("incremental_where", `an incremental_where block applies only to incremental models`);
  if (has("indexes") && type === "view" && !materializedView) problem("indexes", `"indexes" apply only to tables, incremental models and materialized views`);
  if (has("postgres") && type === "view") problem("postgres", `"postgres" options apply only to tables and incremental models`);
  if ((has("pre_operations") || has("post_operations")) && r.kind !== "table") {
    problem(has("pre_operations") ? "pre_operations" : "post_operations", `pre_operations and post_operations apply only to tables, views and incremental models`);
  }
  if (has("input") && r.kind !== "test") problem("input", `input blocks apply only to tests`);
  if (r.statementCount > 1 && r.kind !== "operation") {
    const at = findInSource(r.file.text, /^---\s*$/m);
    session.error(`only operations may hold several statements separated by "---"; this is ${article} ${type}`, { file: r.file.path, line: at?.line ?? r.location.line }, r.name);
  }
  const strategy = r.strata.incrementalStrategy;
  if (incremental && (strategy === "merge" || strategy === "delete+insert") && !r.uniqueKey) {
    problem("incrementalStrategy", `incrementalStrategy "${strategy}" needs a "uniqueKey"`);
  }
  if (r.kind === "assertion" && !r.inlineAssertion && r.query === undefined) {
    session.configProblem(r, `assertion "${r.name}" has no query`, undefined, "error");
  }
}

/** The functions a SQLX placeholder or a .js query function can call, bound to one action. */
class QueryContext {
  readonly dependencies: ActionRecord[] = [];
  constructor(
    private readonly renderer: Renderer,
    private readonly record: ActionRecord,
    private readonly isIncremental: boolean,
  ) {}
  ref(first: unknown, ...rest: unknown[]): string {
    return this.renderer.reference(this.record, "ref", first, rest, this.dependencies);
  }
  resolve(first: unknown, ...rest: unknown[]): string {
    return this.renderer.reference(this.record, "resolve", first, rest, undefined);
  }
  self(): string {
    return this.renderer.quote(this.record.target!);
  }
  name(): string {
    return this.record.target!.name;
  }
  schema(): string {
    return this.record.target!.schema;
  }
  database(): string {
    return this.record.target!.database ?? "";
  }
  when(condition: unknown, whenTrue: string, whenFalse = ""): string {
    return condition ? whenTrue : whenFalse;
  }
  incremental(): boolean {
    return this.isIncremental;
  }
}

/** Dataform's test context: refs to inputs become the inputs' queries in parentheses. */
class TestContext {
  constructor(
    private readonly renderer: Renderer,
    private readonly test: ActionRecord,
    private readonly inputs: Map<string, string>,
    private readonly isIncremental: boolean,
    private readonly selfKey?: string,
    /** Refer to inputs by these names (a CTE per input) instead of inlining `(query)`. */
    private readonly names?: Map<string, string>,
  ) {}
  ref(first: unknown, ...rest: unknown[]): string {
    return this.resolve(first, ...rest);
  }
  resolve(first: unknown, ...rest: unknown[]): string {
    const resolvable = toResolvable(first, rest);
    const key = resolvable ? this.renderer.targetKeyOf(resolvable) : undefined;
    if (key !== undefined && this.inputs.has(key)) return this.names?.get(key) ?? `(${this.inputs.get(key)})`;
    this.renderer.session.error(
      `test "${this.test.name}" has no input for "${resolvable ? describeResolvable(resolvable) : String(first)}"; add an input "${resolvable ? describeResolvable(resolvable) : first}" { ... } block`,
      { file: this.test.file.path, line: this.test.location.line },
      this.test.name,
    );
    return "";
  }
  self(): string {
    if (!this.selfKey || !this.inputs.has(this.selfKey)) return "";
    return this.names?.get(this.selfKey) ?? `(${this.inputs.get(this.selfKey)})`;
  }
  name(): string {
    return "";
  }
  schema(): string {
    return "";
  }
  database(): string {
    return "";
  }
  when(condition: unknown, whenTrue: string, whenFalse = ""): string {
    return condition ? whenTrue : whenFalse;
  }
  incremental(): boolean {
    return this.isIncremental;
  }
}

class Renderer {
  private readonly index: ActionIndex;
  private readonly assertionsByParent = new Map<ActionRecord, ActionRecord[]>();

  constructor(
    readonly session: Session,
    private readonly dialect: WarehouseKind,
    private readonly records: ActionRecord[],
  ) {
    this.index = new ActionIndex(records);
    for (const r of records) {
      if (!r.parent) continue;
      const list = this.assertionsByParent.get(r.parent);
      if (list) list.push(r);
      else this.assertionsByParent.set(r.parent, [r]);
    }
  }

  quote(t: Target): string {
    return quoteTarget(t, this.dialect);
  }

  /** The target text of a resolvable (for test inputs), whether or not it names an action. */
  targetKeyOf(resolvable: Resolvable): string {
    const res = this.index.resolve(resolvable);
    return targetText(res.kind === "found" ? res.record.target! : this.fallbackTarget(resolvable));
  }

  reference(from: ActionRecord, call: "ref" | "resolve", first: unknown, rest: unknown[], dependencies: ActionRecord[] | undefined): string {
    const resolvable = toResolvable(first, rest);
    if (!resolvable) {
      this.placeError(from, `${call}() needs a name, ("schema", "name") or {schema, name}; got ${JSON.stringify(first)}`, undefined);
      return "";
    }
    const res = this.index.resolve(resolvable);
    if (res.kind !== "found") {
      this.placeError(from, resolutionMessage(call, resolvable, res), typeof resolvable === "string" ? resolvable : resolvable.name);
      return this.quote(this.fallbackTarget(resolvable));
    }
    const target = res.record;
    if (target.kind === "operation" && !target.hasOutput) {
      this.placeError(from, `${call}("${describeResolvable(resolvable)}") names an operation without "hasOutput: true", which produces no relation`, target.name);
    }
    if (dependencies && target !== from) dependencies.push(target);
    return this.quote(target.target!);
  }

  private placeError(record: ActionRecord, message: string, name: string | undefined): void {
    const at = name ? findReference(record.file.text, name, record.location.line ?? 1) ?? findReference(record.file.text, name) : undefined;
    this.session.error(message, { file: record.file.path, line: at?.line ?? record.location.line, column: at?.column }, record.name);
  }

  /** Calls a contextable; an exception becomes an error at its line, and the result "". */
  private apply<T>(record: ActionRecord, contextable: Contextable<T> | undefined, ctx: unknown): T | undefined {
    if (typeof contextable !== "function") return contextable;
    try {
      return (contextable as (c: unknown) => T)(ctx);
    } catch (err) {
      this.session.exception(err, undefined, exceptionPlace(err, record) ?? { file: record.file.path, line: record.location.line }, record.name);
      return undefined;
    }
  }

  private ops(record: ActionRecord, list: Contextable<string | string[]>[], ctx: unknown): string[] {
    const out: string[] = [];
    for (const c of list) {
      const v = this.apply(record, c, ctx);
      if (Array.isArray(v)) out.push(...v.map(String));
      else if (v !== undefined) out.push(String(v));
    }
    return out;
  }

  private noTrailingSemicolon(record: ActionRecord, query: string | undefined): void {
    if (query === undefined || !query.trim().endsWith(";")) return;
    const offset = record.file.text.lastIndexOf(";");
    const place = offset === -1 ? { line: record.location.line } : positionAt(record.file.text, offset);
    this.session.error(`a SQL statement must not end with ";" (as in Dataform); remove it`, { file: record.file.path, ...place }, record.name);
  }

  private dependencyTargets(record: ActionRecord, fromQueries: ActionRecord[]): Target[] {
    const deps: ActionRecord[] = [...fromQueries];
    for (const d of record.dependencies) {
      const res = this.index.resolve(d.resolvable);
      if (res.kind !== "found") {
        this.placeError(record, resolutionMessage("dependency", d.resolvable, res), typeof d.resolvable === "string" ? d.resolvable : d.resolvable.name);
        continue;
      }
      deps.push(res.record);
      if (d.includeDependentAssertions) deps.push(...(this.assertionsByParent.get(res.record) ?? []));
    }
    if (record.dependOnDependencyAssertions) {
      for (const d of [...deps]) deps.push(...(this.assertionsByParent.get(d) ?? []));
    }
    const seen = new Set<ActionRecord>();
    const out: Target[] = [];
    for (const d of deps) {
      if (d === record || seen.has(d)) continue;
      seen.add(d);
      out.push({ ...d.target! });
    }
    return out;
  }

  render(): RenderedActions {
    const out: RenderedActions = { tables: [], operations: [], assertions: [], declarations: [], tests: [] };
    for (const r of this.records) {
      switch (r.kind) {
        case "table":
          out.tables.push(this.table(r));
          break;
        case "operation":
          out.operations.push(this.operation(r));
          break;
        case "assertion":
          out.assertions.push(this.assertion(r));
          break;
        case "declaration":
          out.declarations.push(this.declaration(r));
          break;
        case "test": {
          const t = this.test(r);
          if (t) out.tests.push(t);
          break;
        }
      }
    }
    return out;
  }

  private common(r: ActionRecord) {
    const descriptor: ActionDescriptor = {};
    if (r.description !== undefined) descriptor.description = r.description;
    if (r.columns) descriptor.columns = r.columns;
    return {
      target: { ...r.target! },
      canonicalTarget: { ...r.canonicalTarget! },
      fileName: r.file.path,
      ...(Object.keys(descriptor).length ? { actionDescriptor: descriptor } : {}),
    };
  }

  private extras(r: ActionRecord) {
    return {
      ...(r.disabled ? { disabled: true } : {}),
      ...(r.hermetic !== undefined ? { hermeticity: r.hermetic ? ("HERMETIC" as const) : ("NON_HERMETIC" as const) } : {}),
      ...(r.dependOnDependencyAssertions ? { dependOnDependencyAssertions: true } : {}),
    };
  }

  private table(r: ActionRecord): Table {
    const type = r.tableType!;
    const ctx = new QueryContext(this, r, false);
    const query = this.apply(r, r.query, ctx) ?? "";
    const preOps = this.ops(r, r.preOps, ctx).filter((s) => s.trim() !== "");
    const postOps = this.ops(r, r.postOps, ctx).filter((s) => s.trim() !== "");
    this.noTrailingSemicolon(r, query);
    const table: Table = {
      ...this.common(r),
      type,
      enumType: type === "table" ? "TABLE" : type === "view" ? "VIEW" : "INCREMENTAL",
      query,
      preOps,
      postOps,
      dependencyTargets: [],
      tags: [...r.tags],
      ...this.extras(r),
    };
    const fromQueries = [...ctx.dependencies];
    if (type === "incremental") {
      const ictx = new QueryContext(this, r, true);
      let incrementalQuery = this.apply(r, r.query, ictx) ?? "";
      // incremental_where (Dataform v1 style) filters the incremental run's rows, as Dataform's
      // warehouse adapters wrap it at run time; Strata folds it into the compiled query.
      const where = r.incrementalWhere !== undefined ? this.apply(r, r.incrementalWhere, ictx) : undefined;
      if (where !== undefined && where.trim() !== "") incrementalQuery = `select * from (${incrementalQuery}) as insertions where ${where}`;
      table.incrementalQuery = incrementalQuery;
      table.incrementalPreOps = this.ops(r, r.preOps, ictx);
      table.incrementalPostOps = this.ops(r, r.postOps, ictx);
      fromQueries.push(...ictx.dependencies);
      this.noTrailingSemicolon(r, incrementalQuery);
      if (r.protected !== undefined) table.protected = r.protected;
    }
    if (r.uniqueKey) table.uniqueKey = [...r.uniqueKey];
    if (r.materialized !== undefined && type === "view") table.materialized = r.materialized;
    table.dependencyTargets = this.dependencyTargets(r, fromQueries);
    table.strata = this.strata(r);
    if (type === "incremental" && r.inlineAssertions?.newRowsOnly) table.strata.keepsNewRows = true;
    return table;
  }

  private operation(r: ActionRecord): Operation {
    const ctx = new QueryContext(this, r, false);
    const value = this.apply(r, r.queries, ctx);
    const queries = Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
    return {
      ...this.common(r),
      queries,
      ...(r.hasOutput ? { hasOutput: true } : {}),
      dependencyTargets: this.dependencyTargets(r, ctx.dependencies),
      tags: [...r.tags],
      ...this.extras(r),
      strata: this.strata(r),
    };
  }

  private assertion(r: ActionRecord): Assertion {
    const ctx = new QueryContext(this, r, false);
    let query: string;
    const fromQueries: ActionRecord[] = [];
    if (r.inlineAssertion && r.parent) {
      const relation = this.quote(r.parent.target!);
      fromQueries.push(r.parent);
      query = inlineAssertionSql(relation, r.inlineAssertion);
    } else {
      query = this.apply(r, r.query, ctx) ?? "";
      fromQueries.push(...ctx.dependencies);
      this.noTrailingSemicolon(r, query);
    }
    const severity = r.strata.severity ?? (this.session.projectConfig.defaultAssertionSeverity as "error" | "warn" | undefined) ?? "error";
    return {
      ...this.common(r),
      query,
      dependencyTargets: this.dependencyTargets(r, fromQueries),
      tags: [...r.tags],
      ...this.extras(r),
      ...(r.parent ? { parentAction: { ...r.parent.target! } } : {}),
      strata: {
        ...this.strata(r),
        severity,
        ...(r.inlineAssertion && r.parent?.inlineAssertions?.newRowsOnly ? { newRowsCheck: r.inlineAssertion } : {}),
      },
    };
  }

  private declaration(r: ActionRecord): Declaration {
    return { ...this.common(r), ...(r.tags.length ? { tags: [...r.tags] } : {}), strata: this.strata(r) };
  }

  private test(r: ActionRecord): Test | undefined {
    if (!r.dataset) return undefined;
    const res = this.index.resolve(r.dataset);
    if (res.kind !== "found" || res.record.kind !== "table") {
      const message = res.kind === "found"
        ? `test "${r.name}" tests "${describeResolvable(r.dataset)}", which is not a table, view or incremental model`
        : resolutionMessage("dataset", r.dataset, res).replace(/^dataset\(/, "test dataset(");
      this.placeError(r, message, typeof r.dataset === "string" ? r.dataset : r.dataset.name);
      return undefined;
    }
    const dataset = res.record;
    const plain = new QueryContext(this, r, false);
    const inputs = new Map<string, string>();
    const inputList = r.inputs.map((input) => {
      const found = this.index.resolve(input.resolvable);
      const target = found.kind === "found" ? { ...found.record.target! } : this.fallbackTarget(input.resolvable);
      const query = this.apply(r, input.contextable, plain) ?? "";
      inputs.set(targetText(target), query);
      return { target, query };
    });
    const testQuery = this.apply(r, dataset.query, new TestContext(this, r, inputs, false)) ?? "";
    const test: Test = {
      name: r.name,
      testTarget: { ...dataset.target! },
      fileName: r.file.path,
      inputs: inputList,
      testQuery,
      expectedOutputQuery: this.apply(r, r.query, new TestContext(this, r, inputs, false)) ?? "",
    };
    if (dataset.tableType === "incremental") {
      test.incrementalTestQuery = this.apply(r, dataset.query, new TestContext(this, r, inputs, true, targetText(dataset.target!))) ?? "";
    }
    // PostgreSQL before 16 rejects a subquery in FROM without an alias, which is what inlined
    // inputs become (`from (select …)`): so Strata also renders the queries with each input as a
    // named CTE, `with "strata_input_0" as (…) select * from (<model query>) …`.
    const names = new Map([...inputs.keys()].map((key, i) => [key, `"strata_input_${i}"`]));
    const ctes = [...inputs].map(([key, query]) => `${names.get(key)} as (${query})`).join(",\n");
    const wrap = (query: string | undefined) => (query === undefined ? undefined : `with ${ctes}\nselect * from (${query}) as strata_test_output`);
    if (inputs.size > 0) {
      test.strataTestQuery = wrap(this.apply(r, dataset.query, new TestContext(this, r, inputs, false, undefined, names)));
      test.strataExpectedOutputQuery = wrap(this.apply(r, r.query, new TestContext(this, r, inputs, false, undefined, names)));
      if (dataset.tableType === "incremental") {
        test.strataIncrementalTestQuery = wrap(this.apply(r, dataset.query, new TestContext(this, r, inputs, true, targetText(dataset.target!), names)));
      }
    }
    return test;
  }

  /** The target a resolvable names when it matches no action: the default schema unless it names one. */
  private fallbackTarget(resolvable: Resolvable): Target {
    const r = typeof resolvable === "string" ? { name: resolvable } : resolvable;
    return withDatabase({ schema: r.schema ?? this.session.projectConfig.defaultSchema, name: r.name }, r.database);
  }

  private strata(r: ActionRecord) {
    return { ...r.strata };
  }
}
