// The plan: a pure function of (action, warehouse state, options) → the exact SQL a run executes.
// Every materialization reads as its sequence of statements, and is golden-tested without a
// database. `strata run --dry-run` prints these statements.
import type { CompiledGraph, GraphAction, Target } from "../graph/types";
import type { ResolvedTarget } from "../project/targets";
import type { NewRows, WarehouseState } from "../warehouse/warehouse";

export interface PlanOptions {
  /** Rebuild incrementals from scratch (never `protected` ones). */
  fullRefresh: boolean;
  /** Unique per run; temp object names carry it so leftovers of a killed run are recognisable. */
  runId: string;
  /** The whole graph, for assertion schema, project config and dependency lookups. */
  graph: CompiledGraph;
  /** The target being planned for (Athena reads s3Data and table settings from it). */
  target?: ResolvedTarget;
}

export interface PlanStep {
  /** What this step does, for --dry-run and progress ("build into temp table", "swap", ...). */
  description: string;
  statements: string[];
  /** Run the statements inside one BEGIN … COMMIT on one connection. */
  transactional: boolean;
  /**
   * false: the rows these statements write were counted when an earlier step staged them (an
   * incremental's new rows, copied from their temp table), so they are not the action's rows again.
   */
  countsRows?: false;
}

export interface ActionPlan {
  target: Target;
  /** "table" | "view" | "incremental" | "materialized_view" | "assertion" | "operations" | "declaration". */
  materialization: string;
  steps: PlanStep[];
  /** Run after a failure or interruption to drop this run's temp objects (idempotent). */
  cleanup: string[];
  /** Things the user should know (e.g. "materialized view rebuilt because its definition changed"). */
  notices: string[];
  /**
   * Incremental updates of tables with `assertions.newRowsOnly`: the relation holding the rows this
   * run wrote (`key`: the unique key they were merged on), kept until the run ends for the inline
   * assertions; the plan's cleanup drops it then.
   */
  newRows?: NewRows;
  /** Assertions: how the runner counts failing rows and samples them. */
  check?: { countSql: string; sampleSql: string };
  /** Declarations: the source must exist; the runner fails the action with this message otherwise. */
  requireExists?: { target: Target; message: string };
}

export type PlanFunction = (action: GraphAction, state: WarehouseState, options: PlanOptions) => ActionPlan;
