// The compiled graph: plain data that every later stage (plan, runner, docs, analysis) consumes.
// Field names follow Dataform's CompiledGraph (protos/core.proto, camelCase JSON) so tools built
// on `dataform compile --json` keep working; Strata's own fields sit beside them and are marked.

export type WarehouseKind = "postgres" | "athena";

export interface Target {
  database?: string;
  schema: string;
  name: string;
}

/** Where something came from, for errors and docs. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface ColumnDescriptor {
  /** Nested path, e.g. ["address", "city"]; a flat column is a one-element path. */
  path: string[];
  description?: string;
  /** Strata: type declared in config (documentation only; the warehouse's type wins in docs). */
  type?: string;
}

export interface ActionDescriptor {
  description?: string;
  columns?: ColumnDescriptor[];
}

export type TableType = "table" | "view" | "incremental";
export type Severity = "error" | "warn";
export type OnSchemaChange = "fail" | "extend" | "ignore" | "sync";
export type IncrementalStrategy = "merge" | "append" | "delete+insert";

/** Strata's own per-action settings (not in Dataform's proto). */
export interface StrataActionOptions {
  /** Assertions only. Default "error". */
  severity?: Severity;
  /** Incremental only. */
  onSchemaChange?: OnSchemaChange;
  incrementalStrategy?: IncrementalStrategy;
  /** Extra indexes to create on tables/incrementals/materialized views (PostgreSQL). */
  indexes?: { columns: string[]; unique?: boolean }[];
  /** Grants on the published relation: role → privileges, e.g. { bi_reader: ["select"] }. */
  grants?: Record<string, string[]>;
  /** Tables and incrementals: PostgreSQL storage options of the built table (ignored on Athena). */
  postgres?: PostgresOptions;
  /** Athena-only options (partitioning, table properties, ...). */
  athena?: Record<string, unknown>;
  /** The layer this action belongs to, from its path (definitions/<layer>/...) or config. */
  layer?: string;
  /** Where the action's config block starts in its file. */
  location?: SourceLocation;
  /** The raw SQLX source text of the file that defined the action (docs show it). */
  sourceFile?: string;
  /**
   * Incremental tables with `assertions.newRowsOnly`: an incremental run keeps the rows it wrote
   * until the run ends, so the inline assertions can check those instead of the whole table.
   */
  keepsNewRows?: boolean;
  /** Their inline assertions: what to check on the new rows when the parent was updated incrementally. */
  newRowsCheck?: NewRowsCheck;
  /** Column-level lineage from SQL analysis (`strata compile --lineage`, docs): output column → sources. */
  lineage?: ColumnLineageEntry[];
}

export interface PostgresOptions {
  /**
   * Percent of each heap page filled when the table is built (10–100, PostgreSQL's default 100).
   * Free room lets an update that changes no indexed column stay on its page (a HOT update, which
   * writes no index entry): worth it for incremental tables that update many rows per run.
   */
  fillfactor?: number;
}

/** An inline assertion in structured form (config `assertions {}`). */
export type NewRowsCheck = { kind: "uniqueKey"; columns: string[] } | { kind: "rowConditions"; conditions: string[] };

export interface ColumnLineageEntry {
  name: string;
  /** Source columns: relation "schema.name" and column name. */
  sources: { relation: string; column: string }[];
  /** False when the column passes a source column through unchanged. */
  transformed: boolean;
}

export interface Table {
  target: Target;
  canonicalTarget: Target;
  /** Dataform's deprecated string type, still what most tools read. */
  type: TableType;
  enumType: "TABLE" | "VIEW" | "INCREMENTAL";
  query: string;
  /** Incremental only: the query with `incremental()` true (Dataform's incrementalQuery). */
  incrementalQuery?: string;
  preOps?: string[];
  postOps?: string[];
  incrementalPreOps?: string[];
  incrementalPostOps?: string[];
  dependencyTargets: Target[];
  tags: string[];
  fileName: string;
  disabled?: boolean;
  protected?: boolean;
  materialized?: boolean;
  hermeticity?: "HERMETIC" | "NON_HERMETIC";
  uniqueKey?: string[];
  actionDescriptor?: ActionDescriptor;
  dependOnDependencyAssertions?: boolean;
  strata?: StrataActionOptions;
}

export interface Operation {
  target: Target;
  canonicalTarget: Target;
  queries: string[];
  hasOutput?: boolean;
  dependencyTargets: Target[];
  tags: string[];
  fileName: string;
  disabled?: boolean;
  hermeticity?: "HERMETIC" | "NON_HERMETIC";
  actionDescriptor?: ActionDescriptor;
  dependOnDependencyAssertions?: boolean;
  strata?: StrataActionOptions;
}

export interface Assertion {
  target: Target;
  canonicalTarget: Target;
  /** A query that returns the failing rows; zero rows means the assertion holds. */
  query: string;
  dependencyTargets: Target[];
  tags: string[];
  fileName: string;
  disabled?: boolean;
  hermeticity?: "HERMETIC" | "NON_HERMETIC";
  /** Set on inline assertions (config `assertions {}`): the action they check. */
  parentAction?: Target;
  actionDescriptor?: ActionDescriptor;
  strata?: StrataActionOptions;
}

export interface Declaration {
  target: Target;
  canonicalTarget: Target;
  fileName: string;
  tags?: string[];
  actionDescriptor?: ActionDescriptor;
  strata?: StrataActionOptions;
}

export interface TestInput {
  target: Target;
  query: string;
}

export interface Test {
  name: string;
  testTarget: Target;
  fileName: string;
  inputs: TestInput[];
  /** The tested model's query with its refs replaced by the inputs. */
  testQuery: string;
  /** Strata: for incremental models, the incremental query with refs replaced (Dataform #1132). */
  incrementalTestQuery?: string;
  /** The expected rows (the test file's own query), with refs replaced by the inputs. */
  expectedOutputQuery: string;
  /** Strata: the same three queries with each input as a named CTE (portable to PostgreSQL 15). */
  strataTestQuery?: string;
  strataIncrementalTestQuery?: string;
  strataExpectedOutputQuery?: string;
}

export interface ProjectConfig {
  warehouse: string;
  defaultSchema: string;
  assertionSchema: string;
  defaultDatabase?: string;
  defaultLocation?: string;
  schemaSuffix?: string;
  tablePrefix?: string;
  databaseSuffix?: string;
  vars?: Record<string, string>;
  concurrentQueryLimit?: number;
  /** Strata: default severity of assertions. */
  defaultAssertionSeverity?: Severity;
  /** Any other keys from dataform.json, kept as given. */
  [key: string]: unknown;
}

export interface CompilationError {
  message: string;
  fileName?: string;
  line?: number;
  column?: number;
  /** The action the error belongs to, when there is one. */
  actionName?: string;
}

export interface GraphErrors {
  compilationErrors: CompilationError[];
}

export interface CompiledGraph {
  projectConfig: ProjectConfig;
  tables: Table[];
  operations: Operation[];
  assertions: Assertion[];
  declarations: Declaration[];
  tests: Test[];
  graphErrors: GraphErrors;
  dataformCoreVersion?: string;
  targets: Target[];
  /** Strata: warnings (e.g. deprecated keys) that do not stop compilation. */
  warnings?: CompilationError[];
}

/** Any runnable or declared node of the graph, as the plan and runner see it. */
export type GraphAction =
  | ({ kind: "table" } & Table)
  | ({ kind: "operation" } & Operation)
  | ({ kind: "assertion" } & Assertion)
  | ({ kind: "declaration" } & Declaration);
