// Run history in the warehouse itself (PostgreSQL family: PGlite, PostgreSQL, Aurora), so a BI
// tool or a colleague can see what ran, when, and how it went:
//   strata_meta.runs            one row per run (a row left "running" is a run that was killed)
//   strata_meta.action_results  one row per selected action of a run
// The Session interface takes SQL text only, so values are written as escaped literals.
import type { Session, Warehouse } from "../warehouse/warehouse";
import type { ActionResult, RunResults } from "./results";

export const META_SCHEMA = "strata_meta";

const CREATE_TABLES = [
  `create schema if not exists ${META_SCHEMA}`,
  `create table if not exists ${META_SCHEMA}.runs (
  run_id text primary key,
  target text not null,
  adapter text not null,
  project_dir text,
  started_at timestamptz not null,
  finished_at timestamptz,
  duration_ms integer,
  status text not null,
  exit_code integer,
  totals jsonb
)`,
  `create table if not exists ${META_SCHEMA}.action_results (
  run_id text not null references ${META_SCHEMA}.runs (run_id) on delete cascade,
  action_name text not null,
  target_schema text not null,
  target_name text not null,
  action_type text not null,
  status text not null,
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms integer,
  rows_affected bigint,
  bytes_scanned bigint,
  failing_rows bigint,
  severity text,
  sample jsonb,
  error text,
  skipped_because text,
  attempts integer,
  primary key (run_id, target_schema, target_name)
)`,
];

// Any fixed number: serialises the CREATE … IF NOT EXISTS of concurrent runs on one database
// (different targets may share it), which would otherwise race on the catalog.
const META_DDL_LOCK = 727_165_001;

/** Whether this warehouse keeps `strata_meta` tables. */
export function hasMetaTables(warehouse: Pick<Warehouse, "dialect">): boolean {
  return warehouse.dialect === "postgres";
}

export async function ensureMetaTables(warehouse: Pick<Warehouse, "transaction">): Promise<void> {
  await warehouse.transaction(async (s: Session) => {
    await s.execute(`select pg_advisory_xact_lock(${META_DDL_LOCK})`);
    for (const sql of CREATE_TABLES) await s.execute(sql);
  });
}

export async function recordRunStart(
  warehouse: Pick<Warehouse, "execute">,
  run: { runId: string; target: string; adapter: string; projectDir: string; startedAt: string },
): Promise<void> {
  await warehouse.execute(
    `insert into ${META_SCHEMA}.runs (run_id, target, adapter, project_dir, started_at, status) values (${[
      run.runId,
      run.target,
      run.adapter,
      run.projectDir,
      run.startedAt,
      "running",
    ]
      .map(literal)
      .join(", ")})`,
  );
}

/** Writes every action's result and closes the run's row, in one transaction. */
export async function recordRunResults(warehouse: Pick<Warehouse, "transaction">, results: RunResults): Promise<void> {
  await warehouse.transaction(async (s: Session) => {
    await s.execute(
      `update ${META_SCHEMA}.runs set finished_at = ${literal(results.finishedAt)}, duration_ms = ${literal(results.durationMs)}, ` +
        `status = ${literal(results.status)}, exit_code = ${literal(results.exitCode)}, totals = ${jsonLiteral(results.totals)} ` +
        `where run_id = ${literal(results.runId)}`,
    );
    // Chunked so a very large project never builds one enormous statement.
    for (let i = 0; i < results.actions.length; i += 500) {
      const rows = results.actions.slice(i, i + 500).map((a) => actionRow(results.runId, a));
      await s.execute(
        `insert into ${META_SCHEMA}.action_results (run_id, action_name, target_schema, target_name, action_type, status, ` +
          `started_at, finished_at, duration_ms, rows_affected, bytes_scanned, failing_rows, severity, sample, error, ` +
          `skipped_because, attempts) values\n${rows.join(",\n")}`,
      );
    }
  });
}

function actionRow(runId: string, a: ActionResult): string {
  const values = [
    literal(runId),
    literal(a.name),
    literal(a.target.schema),
    literal(a.target.name),
    literal(a.type),
    literal(a.status),
    literal(a.startedAt),
    literal(a.finishedAt),
    literal(a.durationMs),
    literal(a.rowsAffected),
    literal(a.bytesScanned),
    literal(a.assertion?.failingRows),
    literal(a.assertion?.severity),
    a.assertion ? jsonLiteral(a.assertion.sample) : "null",
    literal(a.error),
    literal(a.skippedBecause),
    literal(a.attempts),
  ];
  return `(${values.join(", ")})`;
}

/** A SQL literal. standard_conforming_strings is on (the default since PostgreSQL 9.1). */
export function literal(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "number") return Number.isFinite(value) ? String(Math.round(value)) : "null";
  return `'${value.replace(/\u0000/g, "").replace(/'/g, "''")}'`;
}

function jsonLiteral(value: unknown): string {
  return `${literal(JSON.stringify(value))}::jsonb`;
}
