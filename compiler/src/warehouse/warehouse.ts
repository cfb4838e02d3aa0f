// The one interface every engine implements (pglite, postgres, athena). The runner, loader and
// test runner talk only to this; adding an engine never touches the others.
import type { Target, WarehouseKind } from "../graph/types";

export interface QueryField {
  name: string;
  /** Engine type name when known (e.g. "int4", "varchar"). */
  type?: string;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  fields: QueryField[];
  /** Rows affected by DML/CTAS when the engine reports it. */
  rowCount?: number;
  /** Athena: DataScannedInBytes. */
  bytesScanned?: number;
  /** Engine-side id of the query (Athena QueryExecutionId). */
  queryId?: string;
}

export interface ExecuteOptions {
  /** Aborting cancels the running query on the server (pg_cancel_backend / StopQueryExecution). */
  signal?: AbortSignal;
  /** Per-statement timeout; the driver cancels and throws when it passes. */
  timeoutMs?: number;
  /** Bind parameters for `$1`, `$2`, … (then `sql` must be a single statement). */
  params?: unknown[];
}

/** One connection: statements run in order, and a transaction spans calls. */
export interface Session {
  execute(sql: string, options?: ExecuteOptions): Promise<QueryResult>;
  /**
   * Runs a `COPY … FROM STDIN` statement fed by `data` (PostgreSQL: pg-copy-streams, streamed;
   * PGlite: `/dev/blob`, one COPY per chunk of whole lines, in the same session). Returns rows copied.
   * Absent on engines without COPY (Athena).
   */
  copyFrom?(copySql: string, data: AsyncIterable<string | Uint8Array>): Promise<number>;
}

export interface ColumnInfo {
  name: string;
  /** Formatted type as the engine prints it, e.g. "integer", "numeric(12,2)", "text". */
  type: string;
  nullable: boolean;
}

export type RelationKind = "table" | "view" | "materialized_view" | "foreign_table" | "other";

/** An object that depends on a relation and must survive its rebuild (views, materialized views). */
export interface DependentObject {
  schema: string;
  name: string;
  kind: "view" | "materialized_view";
  /** `pg_get_viewdef` output, read before any rename. */
  definition: string;
  /** Index definitions (`pg_get_indexdef`) on a materialized view. */
  indexes: string[];
  /** GRANT statements that recreate its privileges. */
  grants: string[];
  comment?: string;
  /** Column comments, by column name. */
  columnComments?: Record<string, string>;
  owner?: string;
}

export interface RelationInfo {
  schema: string;
  name: string;
  kind: RelationKind;
  columns: ColumnInfo[];
  comment?: string;
  /** Views and materialized views that depend on this relation, in an order they can be recreated. */
  dependents: DependentObject[];
  /** GRANT statements that recreate its current privileges (kept across swaps). */
  grants: string[];
  /** Materialized views: the definition hash Strata stored in the comment/meta when it built it. */
  definitionHash?: string;
  /** Materialized views and tables: its unique indexes (`pg_get_indexdef`). */
  indexes?: string[];
}

/** What the warehouse holds for the targets a plan is about to touch. */
export interface WarehouseState {
  /** Keyed by `schema.name` (unquoted, as in Target). */
  relations: Map<string, RelationInfo>;
  /** Schemas that exist. */
  schemas: Set<string>;
  /** Incremental tables this run updated and kept the new rows of (see ActionPlan.newRows), by key. */
  newRows?: Map<string, NewRows>;
}

/** The rows an incremental update wrote, kept in their own relation until the run ends. */
export interface NewRows {
  relation: Target;
  /** Merge and delete+insert: the rows written are the last of each key's (as the merge picks). */
  key?: string[];
}

export function relationKey(target: Pick<Target, "schema" | "name">): string {
  return `${target.schema}.${target.name}`;
}

export interface Warehouse extends Session {
  /** "pglite" | "postgres" | "athena": the adapter. */
  readonly adapter: string;
  /** The SQL dialect the plan targets. */
  readonly dialect: WarehouseKind;
  /** How many statements may run at once (pool size / Athena in-flight cap). */
  readonly maxConcurrency: number;
  /** Opens the connection(s); throws ConnectionError (exit 3) if unreachable or refused. */
  connect(): Promise<void>;
  /** Runs `fn` on one dedicated connection (operations, multi-statement scripts). */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** BEGIN … COMMIT on one connection; ROLLBACK if `fn` throws. Athena: runs without one. */
  transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** Metadata of these targets (missing ones are absent from the map). */
  readState(targets: Target[]): Promise<WarehouseState>;
  /**
   * Takes the one-run-per-target lock. Returns a release function. Throws a StrataError with a
   * clear message if another run holds it and `wait` is false.
   */
  acquireRunLock(options: { wait: boolean; timeoutMs?: number; scope?: string }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
